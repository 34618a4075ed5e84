// MusicRNN on the native runtime: generate / generate_with_controls of the v1 interface, the same
// arithmetic as models/clipgen_models/nets/music_rnn.py (attention wrapper, binary-counter
// inputs, chord controls). Invalid input throws std::invalid_argument.
#pragma once

#include <memory>
#include <optional>

#include "native/layers.h"
#include "native/vae.h"

namespace clipgen::engine::native {

class Rnn {
 public:
  // Throws LayoutError when the weights are not one of ours.
  static std::unique_ptr<Rnn> build(Weights weights);

  int control_size() const { return control_size_; }
  // Multiply-adds per batch row and step, roughly (see Vae::decode_work).
  long step_work() const;
  // primer [B][P] (P >= 1); controls [B][(P + steps) * control_size] or null; uniforms
  // [B][steps]. Returns [B][steps] classes.
  IntRows generate(const IntRows& primer, const Rows* controls, int steps, double temperature,
                   const Rows& uniforms) const;

 private:
  struct Attention {
    Dense input_projection, query, output_projection;
    PackedWeight attn_w;            // [A, A]
    const float* attn_v = nullptr;  // [A]
    int size = 0, length = 0;
    bool query_bias = false;
  };
  struct Run;  // one generate call's state

  Rnn() = default;
  void load_layers();

  Weights weights_;
  int num_classes_ = 0, control_size_ = 0, aux_bits_ = 0, input_size_ = 0;
  Stack rnn_;
  std::optional<Attention> attention_;
  Dense fully_connected_;
};

}  // namespace clipgen::engine::native
