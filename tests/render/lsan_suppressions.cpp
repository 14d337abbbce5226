// LeakSanitizer settings for the render tests (used only in sanitizer builds): fontconfig,
// Pango's per-thread font maps and Cairo 1.16's PDF finishing keep allocations that LSan
// reports as leaks. Only those library-internal paths are suppressed; a Cairo object our
// code forgets to destroy is allocated from our frames and is still reported. The system
// libraries have no frame pointers, so malloc stacks are unwound the slow way to see the
// library frames the suppressions name.
extern "C" const char* __lsan_default_suppressions();  // NOLINT: sanitizer hook
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n"
         "leak:libpangoft2-1.0.so\n"
         "leak:cairo_surface_finish\n";
}
extern "C" const char* __asan_default_options();  // NOLINT: sanitizer hook
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0:malloc_context_size=24"; }
