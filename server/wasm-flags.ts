// Imported first by the console's entry point, before any module that compiles WebAssembly.
// V8 compiles every function of a WebAssembly module when the module is created; Prisma's query compiler
// has thousands, and the console calls a few of them. Lazy compilation compiles each function on its first
// call (hot ones still tier up, e.g. undici's HTTP parser on the mint path): measured here, idle RSS 125 MB
// instead of 140 MB. Newer V8 versions (Node 22 and later) do this by default; the flag is harmless there.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--wasm-lazy-compilation');
