/**
 * Vitest setup file: loads Node's TypeScript stripper (a WebAssembly module) in the test file's
 * main thread and keeps it for the life of the fork, as `npm run serve` does (its main thread runs
 * .ts itself). The services under test start worker threads from .ts sources, so each worker
 * compiles the same wasm module; V8 shares one compiled module between threads. Under vitest the
 * main thread strips nothing (vite transforms the tests), so the module lived only as long as the
 * workers, and each test ending its workers let it go while the next test's workers were taking
 * it up again. A fork died of that once (SIGSEGV, a core dump's backtrace:
 * Runtime_TierUpWasmToJSWrapper → WasmCodeRefScope → WasmEngine::FreeDeadCode →
 * NativeModule::FreeCode on a freed module, in a worker loading its modules). Kept here, the
 * module is never freed while the fork runs.
 */
import { stripTypeScriptTypes } from 'node:module';

// Without its "experimental" warning in every fork's output.
const emitWarning = process.emitWarning;
process.emitWarning = () => {};
try {
  stripTypeScriptTypes('const kept: number = 1;');
} finally {
  process.emitWarning = emitWarning;
}
