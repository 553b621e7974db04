// GC_CLONES: compile a function for AVX-512, AVX2 and baseline x86-64 (target_clones, dispatched by an
// ifunc resolver at load time). Not under a sanitizer (swift test --sanitize=thread/address,
// Docs/reliability.md): the dynamic loader runs ifunc resolvers before the sanitizer runtime is up, and
// the instrumented resolver crashes at start-up; sanitizer builds use the baseline version only.
#ifndef GC_CLONES_H
#define GC_CLONES_H

#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define GC_NO_CLONES 1
#endif
#endif

#if defined(__x86_64__) && defined(__clang__) && !defined(GC_NO_CLONES)
#define GC_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GC_CLONES
#endif

#endif
