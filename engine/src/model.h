// One loaded model (pimpl; LibTorch only through torch_plugin.h, loaded when needed). Batches
// are plain vectors. TorchScript calls take the model's mutex: requests on one model are
// serialised, so two clips never share hidden state. Native calls keep their state on the
// call's stack, run concurrently, and split a batch's rows over two threads
// (native/helper_thread.h).
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "clipgen/engine/engine.h"
#include "clipgen/error.h"
#include "model_meta.h"
#include "native/weights.h"

namespace clipgen::engine::detail {

class TorchModule;  // torch_plugin.h

using FloatRows = std::vector<std::vector<float>>;    // [B][...], row-major per item
using ClassRows = std::vector<std::vector<int64_t>>;  // [B][T]

struct Posterior {
  FloatRows mu;
  FloatRows sigma;
};

// Rows of b after a's, field by field: how native::split_rows joins a split encode's halves.
inline void append_rows(Posterior& a, Posterior&& b) {
  a.mu.insert(a.mu.end(), std::make_move_iterator(b.mu.begin()),
              std::make_move_iterator(b.mu.end()));
  a.sigma.insert(a.sigma.end(), std::make_move_iterator(b.sigma.begin()),
                 std::make_move_iterator(b.sigma.end()));
}

class Model {
 public:
  // Loads `path` onto `device` ("cpu" | "cuda" | "mps"); info() says what happened. Never throws.
  // native: on the CPU, read the file without LibTorch (torchscript_archive.h) and run the native
  // runtime of its weights (engine/src/native/) where the architecture is one of ours;
  // info().runtime says which runs. threads: LibTorch's intra-op threads when it is needed.
  static std::unique_ptr<Model> load(const std::string& path, const std::string& device,
                                     bool warm_up, bool native = true, int threads = 0);
  ~Model();

  const ModelInfo& info() const { return info_; }
  bool ready() const { return info_.status == "ready"; }
  const ModelMeta& meta() const { return meta_; }

  // VAEs. encode: categorical converters take classes (one-hot here), groove takes rows of
  // numSteps * 27 floats. decode: z [B][Z], uniforms [B][T] (groove [B][T * 9]).
  Result<Posterior> encode_classes(const ClassRows& classes) const;
  Result<Posterior> encode_groove(const FloatRows& rows) const;
  Result<ClassRows> decode_classes(const FloatRows& z, double temperature,
                                   const FloatRows& uniforms) const;
  Result<FloatRows> decode_groove(const FloatRows& z, double temperature,
                                  const FloatRows& uniforms) const;
  // RNNs: primer [B][P] classes (P >= 1), uniforms [B][steps].
  Result<ClassRows> generate(const ClassRows& primer, int steps, double temperature,
                             const FloatRows& uniforms) const;

  // Chord-conditioned RNNs: controls [B][(P + steps) * K], K = meta().controls_depth.
  Result<ClassRows> generate_with_controls(const ClassRows& primer, const FloatRows& controls,
                                           int steps, double temperature,
                                           const FloatRows& uniforms) const;

  int depth() const;  // one-hot depth of the categorical converters

  struct Impl;

 private:
  Model();
  // clipgen.json and the methods interface v1 needs, into meta_ and info_; false with
  // info_.reason set.
  bool accept_meta(const std::string& clipgen_json,
                   const std::function<bool(const std::string&)>& has_method);
  bool build_native(native::Weights weights);  // false with info_.runtime_note set
  void finish(bool warm_up);                   // warm-up, then status "ready"
  TorchModule& torch_module() const;
  Status warm_up();
  Result<ClassRows> run_rnn(const ClassRows& primer, const FloatRows* controls, int steps,
                            double temperature, const FloatRows& uniforms) const;

  std::unique_ptr<Impl> impl_;
  ModelInfo info_;
  ModelMeta meta_;
  mutable std::mutex mutex_;
};

}  // namespace clipgen::engine::detail
