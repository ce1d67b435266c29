/**
 * Annotations that tell Broomstick a Java server's interface (SPEC §3, thesis figure 6.2): which
 * methods queue or run stages, which one is the event loop, which allocate and free per-task objects,
 * and hints for objects whose size or count the analysis cannot bound. They have {@code CLASS}
 * retention: they are in the class files, where the bytecode frontend reads them, and invisible to
 * reflection at run time. The same binding can be written without touching the sources in {@code
 * broomstick.yaml}; parameter labels are those of the C attributes ({@code T}, {@code S}, {@code X},
 * {@code size}, {@code ptr}).
 *
 * <pre>{@code
 * final class Server {
 *   @QueueStage
 *   void enqueue(@QueueStage.Task Request r, @QueueStage.Stage Handler next) { ready.add(r.then(next)); }
 *
 *   @ScheduleStage
 *   void run(@ScheduleStage.Task Request r, @ScheduleStage.Stage Handler h) { h.handle(r); }
 *
 *   @Scheduler
 *   void loop() { while (true) { select(); for (Request r : ready) run(r, r.next()); } }
 *
 *   @Malloc
 *   static ByteBuffer buffer(@Malloc.Size int bytes) { return ByteBuffer.allocateDirect(bytes); }
 *
 *   @Free
 *   static void release(ByteBuffer b) {}
 *
 *   void readRequest(Request r) {                       // a stage
 *     @StingySize(2048) ByteBuffer in = buffer(r.expectedBytes());
 *     r.in = in;
 *     enqueue(r, this::parseRequest);                   // event edge readRequest -> parseRequest
 *   }
 *
 *   void parseRequest(Request r) { ...; release(r.in); enqueue(r, this::respond); }
 * }
 * }</pre>
 */
package org.broomstick.annotations;
