// MusicVAE and GrooVAE on the native runtime: the encode/decode of the v1 interface, the same
// arithmetic as models/clipgen_models/nets (encoders.py, decoders.py, music_vae.py) without
// TorchScript's per-operation dispatch. Invalid input throws std::invalid_argument.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "native/layers.h"

namespace clipgen::engine::native {

using Rows = std::vector<std::vector<float>>;
using IntRows = std::vector<std::vector<int64_t>>;

// Bidirectional LSTM over full-length sequences: concat(final fw h, final bw h).
struct BiLstm {
  Cell fw, bw;
  // input_rows: keep the input rows row-major for one-hot steps (Cell::x_rows).
  static BiLstm load(const Weights& w, const std::string& prefix, bool input_rows = false);
  // xw_f, xw_b: the cells' input projections [m][steps][4u]; out [m][2u].
  void run(int m, int steps, const std::vector<float>& xw_f, const std::vector<float>& xw_b,
           float* out, int ldo) const;
};

// Core decoder (categorical or groove) with its initial-state and output layers.
struct CoreDecoder {
  Stack rnn;
  Dense z_to_initial_state, output_projection;
  int outputs = 0;  // classes, or 27 for groove
  int z_size = 0;
  bool groove = false;
  bool velocity_given_hit = false;

  static CoreDecoder load(const Weights& w, const std::string& prefix, bool groove);
  // Initial state tanh(dense(z)), and zw [m][4u]: the first cell's bias plus z's part of its
  // input, the same at every step.
  StackState start(int m, const float* z, std::vector<float>& zw) const;
  // Categorical: prev [m] (-1 = nothing yet) in/out; writes classes into out[r][offset + t].
  void decode_classes(int m, const float* z, int steps, double temperature, const Rows& uniforms,
                      int offset, std::vector<int>& prev, IntRows& out) const;
  // Groove: out[r][t * 27 + d]; uniforms[r][t * 9 + d].
  void decode_groove(int m, const float* z, int steps, double temperature, const Rows& uniforms,
                     Rows& out) const;
};

class Vae {
 public:
  // kind: "musicvae" | "groovae". Throws LayoutError when the weights are not one of ours.
  static std::unique_ptr<Vae> build(Weights weights, const std::string& kind);

  int num_steps() const { return num_steps_; }
  int z_size() const { return z_size_; }
  // classes [B][num_steps], one-hot depth `depth`; groove rows [B][num_steps * 27].
  void encode_classes(const IntRows& classes, int depth, Rows& mu, Rows& sigma) const;
  void encode_groove(const Rows& rows, Rows& mu, Rows& sigma) const;
  IntRows decode_classes(const Rows& z, double temperature, const Rows& uniforms) const;
  Rows decode_groove(const Rows& z, double temperature, const Rows& uniforms) const;
  // Multiply-adds per batch row, roughly: what decides whether a batch is worth two threads.
  long encode_work() const;
  long decode_work() const;

 private:
  Vae() = default;
  void load_layers();
  // Encoder from its first-layer inputs: one-hot classes [m][T] or dense rows [m][T][width].
  void encode(int m, const int64_t* classes, const float* dense, int width, Rows& mu,
              Rows& sigma) const;

  Weights weights_;
  bool groove_ = false;
  int num_steps_ = 0, z_size_ = 0, num_segments_ = 0, decoder_segments_ = 0;
  bool roll_input_ = false, magenta_js_roll_ = false;
  BiLstm level0_;                 // the flat encoder, or the hierarchical level 0
  std::optional<BiLstm> level1_;  // hierarchical only
  Dense mu_, sigma_;
  CoreDecoder core_;
  std::optional<Stack> conductor_;  // hierarchical decoder
  Dense conductor_initial_state_;
};

}  // namespace clipgen::engine::native
