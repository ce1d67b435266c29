/* whichmalloc: prints the shared object that provides the malloc this process really calls
   (under LD_PRELOAD=lib, lib's if it interposes), and that the pointer it returns is usable. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  void *sym = dlsym(RTLD_DEFAULT, "malloc");
  Dl_info info;
  if (sym == NULL || dladdr(sym, &info) == 0 || info.dli_fname == NULL) {
    puts("unknown");
    return 1;
  }
  char *p = malloc(100);
  if (p == NULL) return 1;
  memset(p, 1, 100);
  free(p);
  puts(info.dli_fname);
  return 0;
}
