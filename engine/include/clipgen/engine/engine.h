// The engine: loads every model of a folder and runs the five tools on NoteSequences.
// No LibTorch in this header (pimpl); include it anywhere.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "clipgen/engine/requests.h"
#include "clipgen/error.h"

namespace clipgen::engine {

struct EngineOptions {
  std::string models_dir;       // every *.pt in it is loaded
  std::string device = "auto";  // "auto" | "cpu" | "cuda" | "cuda:N" | "mps"
  int threads = 0;              // intra-op threads; 0 = default 1 (measured best, docs/tools.md)
  bool warm_up = true;          // one small call per model at load
  // "auto": on the CPU, models run on the native runtime (engine/src/native/: the same weights,
  // no per-operation dispatch; docs/performance.md); "torchscript": always TorchScript.
  std::string runtime = "auto";
  // Threads one request's batch rows (variations, interpolation steps, groove windows) use on
  // the native runtime: 0 = auto (2 where the machine has two cores or more), 1 or 2. The
  // second thread is process-wide and only taken when idle (docs/performance.md). open()
  // loads the folder's files on as many threads.
  int native_threads = 0;
};

// What /v1/models reports for one model file.
struct ModelInfo {
  std::string id;                  // metadata id (file name stem when unreadable)
  std::string kind;                // "musicvae" | "groovae" | "musicrnn" ("" when unreadable)
  std::vector<std::string> tools;  // tools it serves
  std::string converter;           // "melody" | "drums" | "groove"
  int bars = 0;
  std::string device;  // where it runs
  std::string status;  // "ready" | "error"
  std::string source;  // provenance from the metadata
  std::string path;
  std::uintmax_t size_bytes = 0;
  std::string reason;        // why status is "error"
  std::string runtime;       // "native" | "torchscript"
  std::string runtime_note;  // why a CPU model is not on the native runtime
};

// Progress of long work (the CLI prints it): done of total units, and what is being done.
using ProgressFn = std::function<void(int done, int total, const std::string& what)>;

class Engine {
 public:
  // Loads and warms every model. Only a bad option is an error; a corrupt or missing model
  // disables its tools (ModelInfo.status "error" with a reason) and the rest still work.
  static Result<std::unique_ptr<Engine>> open(const EngineOptions& options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  std::vector<ModelInfo> models() const;
  std::string device() const;  // "cpu", "cuda", "cuda:N", "mps"
  int threads() const;
  int native_threads() const;          // as resolved at open: 1 or 2
  static std::string torch_version();  // e.g. "1.13.0"

  // Thread-safe: requests run concurrently on the native runtime; on TorchScript, requests on
  // one model are serialised and different models run concurrently.
  // Errors: kUnavailable (no ready model for the tool/kind), kUnprocessable (musically
  // impossible input, with a message a musician can act on), kInternal (model failure).
  Result<ToolResponse> run(const ToolRequest& request, const ProgressFn& progress = {}) const;
  Result<ToolResponse> generate(const GenerateRequest& r, const ProgressFn& p = {}) const;
  Result<ToolResponse> continue_clip(const ContinueRequest& r, const ProgressFn& p = {}) const;
  Result<ToolResponse> interpolate(const InterpolateRequest& r, const ProgressFn& p = {}) const;
  Result<ToolResponse> groove(const GrooveRequest& r, const ProgressFn& p = {}) const;
  Result<ToolResponse> drumify(const DrumifyRequest& r, const ProgressFn& p = {}) const;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Call first thing in main(), before any thread starts: sets OPENBLAS_NUM_THREADS=1 unless the
// user set it (torch's own intra-op threads do the parallel work; nested BLAS threads made
// inference 2.4x slower on a 2-core box).
void prepare_process_environment();

}  // namespace clipgen::engine
