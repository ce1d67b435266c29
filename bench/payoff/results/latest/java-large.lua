wrk.method = "POST"
wrk.body = string.rep("x", 4000)
wrk.headers["Content-Type"] = "application/octet-stream"
