#include "native/vae.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "native/kernels.h"

namespace clipgen::engine::native {
namespace {

constexpr int kDrums = 9;
constexpr int kGrooveWidth = 3 * kDrums;
constexpr int kRollWidth = kDrums + 1;

// Uniforms are read in place: their shape is checked, rows included, without a copy.
void check_shape(const Rows& rows, size_t count, size_t width, const char* what) {
  if (rows.size() != count) throw std::invalid_argument(std::string(what) + ": wrong row count");
  for (const auto& r : rows) {
    if (r.size() != width) throw std::invalid_argument(std::string(what) + ": wrong row width");
  }
}

std::vector<float> flatten(const Rows& rows, size_t width, const char* what) {
  std::vector<float> out;
  out.reserve(rows.size() * width);
  for (const auto& r : rows) {
    if (r.size() != width) throw std::invalid_argument(std::string(what) + ": wrong row width");
    out.insert(out.end(), r.begin(), r.end());
  }
  return out;
}

// The cell's input projection of `rows` inputs: one-hot classes (rows of w_x()) or dense
// [rows][width]. Returns [rows][4u].
std::vector<float> project_inputs(const Cell& cell, int rows, const int64_t* classes,
                                  const float* dense, int width) {
  const int g = cell.gates();
  std::vector<float> out(static_cast<size_t>(rows) * g);
  if (!classes) {
    if (width != cell.in) throw std::invalid_argument("encode: input width does not match");
    cell.project(rows, dense, width, out.data(), g);
    return out;
  }
  if (!cell.w_x()) throw std::invalid_argument("encode: this encoder kept no input rows");
  for (int i = 0; i < rows; ++i) {
    const int64_t c = classes[i];
    if (c < 0 || c >= cell.in) throw std::invalid_argument("encode: class out of range");
    const float* w = cell.w_x() + c * g;
    float* o = out.data() + static_cast<long>(i) * g;
    for (int k = 0; k < g; ++k) o[k] = cell.bias_f[k] + w[k];
  }
  return out;
}

// drum_onehot_to_roll: 9 class bits, then 'no hit' (magenta.js writes step t+1's into row t).
std::vector<float> drum_roll(const IntRows& classes, int steps, bool magenta_js_shift) {
  std::vector<float> roll(classes.size() * steps * kRollWidth, 0.0f);
  for (size_t b = 0; b < classes.size(); ++b) {
    for (int t = 0; t < steps; ++t) {
      const int64_t idx = classes[b][t];
      float* row = roll.data() + (b * steps + t) * kRollWidth;
      for (int d = 0; d < kDrums; ++d) row[d] = static_cast<float>((idx >> d) & 1);
      const int src = magenta_js_shift ? t + 1 : t;
      row[kDrums] = src < steps && classes[b][src] == 0 ? 1.0f : 0.0f;
    }
  }
  return roll;
}

float softplus(float x) {
  return x > 20.0f ? x : std::log1p(std::exp(x));
}

}  // namespace

BiLstm BiLstm::load(const Weights& w, const std::string& prefix, bool input_rows) {
  BiLstm b{Cell::load(w, prefix + "fw.", input_rows), Cell::load(w, prefix + "bw.", input_rows)};
  if (b.fw.in != b.bw.in || b.fw.units != b.bw.units) {
    throw LayoutError{prefix + " directions differ in shape"};
  }
  return b;
}

void BiLstm::run(int m, int steps, const std::vector<float>& xw_f, const std::vector<float>& xw_b,
                 float* out, int ldo) const {
  const int u = fw.units;
  const int g = fw.gates();
  std::vector<float> c(static_cast<size_t>(m) * u), h(c.size()), gates(static_cast<size_t>(m) * g);
  // The directions are independent: one after the other, so that only one direction's
  // recurrent weight (1 MiB in the shipped GrooVAE) cycles through L2 at a time.
  for (int dir = 0; dir < 2; ++dir) {
    const Cell& cell = dir == 0 ? fw : bw;
    const std::vector<float>& xw = dir == 0 ? xw_f : xw_b;
    std::fill(c.begin(), c.end(), 0.0f);
    std::fill(h.begin(), h.end(), 0.0f);
    for (int t = 0; t < steps; ++t) {
      const int at = dir == 0 ? t : steps - 1 - t;
      for (int r = 0; r < m; ++r) {
        const float* src = xw.data() + (static_cast<long>(r) * steps + at) * g;
        std::copy(src, src + g, gates.data() + static_cast<long>(r) * g);
      }
      cell.step(m, gates.data(), c.data(), h.data());
    }
    for (int r = 0; r < m; ++r) {
      std::copy(h.begin() + r * u, h.begin() + (r + 1) * u, out + r * ldo + dir * u);
    }
  }
}

CoreDecoder CoreDecoder::load(const Weights& w, const std::string& prefix, bool groove) {
  CoreDecoder d;
  // One-hot decoders read the previous class's row; a GrooVAE multiplies its previous output.
  d.rnn = Stack::load(w, prefix + "rnn.", /*input_rows=*/!groove);
  d.z_to_initial_state = Dense::load(w, prefix + "z_to_initial_state.");
  d.output_projection = Dense::load(w, prefix + "output_projection.");
  d.outputs = d.output_projection.out;
  d.z_size = d.z_to_initial_state.in;
  d.groove = groove;
  if (d.rnn.first().in != d.outputs + d.z_size ||
      d.z_to_initial_state.out != 2 * d.rnn.total_units() ||
      d.output_projection.in != d.rnn.cells.back().units || (groove && d.outputs != kGrooveWidth)) {
    throw LayoutError{prefix + " layers do not fit together"};
  }
  return d;
}

StackState CoreDecoder::start(int m, const float* z, std::vector<float>& zw) const {
  std::vector<float> proj(static_cast<size_t>(m) * z_to_initial_state.out);
  z_to_initial_state.apply(m, z, z_size, proj.data(), z_to_initial_state.out);
  const Cell& c0 = rnn.first();
  zw.resize(static_cast<size_t>(m) * c0.gates());
  // The first cell's input is [previous output, z]: z's rows follow the output rows.
  c0.project(m, z, z_size, zw.data(), c0.gates(), outputs, z_size);
  return rnn.from_projection(m, proj);
}

void CoreDecoder::decode_classes(int m, const float* z, int steps, double temperature,
                                 const Rows& uniforms, int offset, std::vector<int>& prev,
                                 IntRows& out) const {
  std::vector<float> zw;
  StackState state = start(m, z, zw);
  const Cell& c0 = rnn.first();
  const int g = c0.gates();
  std::vector<float> xw(zw.size()), logits(static_cast<size_t>(m) * outputs), scratch, cdf;
  const int last = rnn.cells.back().units;
  for (int t = 0; t < steps; ++t) {
    for (int r = 0; r < m; ++r) {
      float* x = xw.data() + static_cast<long>(r) * g;
      const float* zr = zw.data() + static_cast<long>(r) * g;
      if (prev[r] >= 0) {
        const float* row = c0.w_x() + static_cast<long>(prev[r]) * g;
        for (int k = 0; k < g; ++k) x[k] = zr[k] + row[k];
      } else {
        std::copy(zr, zr + g, x);
      }
    }
    const float* h = rnn.step(m, xw.data(), state, scratch);
    output_projection.apply(m, h, last, logits.data(), outputs);
    for (int r = 0; r < m; ++r) {
      prev[r] = sample_class(outputs, logits.data() + static_cast<long>(r) * outputs, temperature,
                             uniforms[r][offset + t], cdf);
      out[r][offset + t] = prev[r];
    }
  }
}

void CoreDecoder::decode_groove(int m, const float* z, int steps, double temperature,
                                const Rows& uniforms, Rows& out) const {
  std::vector<float> zw;
  StackState state = start(m, z, zw);
  const Cell& c0 = rnn.first();
  const int g = c0.gates();
  std::vector<float> xw(zw.size()), y(static_cast<size_t>(m) * kGrooveWidth), scratch;
  std::vector<float> prev(static_cast<size_t>(m) * kGrooveWidth, 0.0f), sig(y.size()),
      tnh(y.size());
  const int last = rnn.cells.back().units;
  const float temp = static_cast<float>(temperature);
  for (int t = 0; t < steps; ++t) {
    xw = zw;
    gemm_packed(m, kGrooveWidth, prev.data(), kGrooveWidth, c0.packed, 0, nullptr, xw.data(), g);
    const float* h = rnn.step(m, xw.data(), state, scratch);
    output_projection.apply(m, h, last, y.data(), kGrooveWidth);
    if (temperature > 0.0) {
      for (int r = 0; r < m; ++r) {
        float* yr = y.data() + static_cast<long>(r) * kGrooveWidth;
        for (int d = 0; d < kDrums; ++d) yr[d] /= temp;
      }
    }
    // Both activations over every row's 27 outputs in one call each, though a step uses only
    // 18 of the sigmoids and 9 of the tanhs: two short calls per row, each padding its tail,
    // cost more (tiny GrooVAE Groove 16 bars 0.235 -> 0.221 ms).
    sigmoid_rows(static_cast<int>(y.size()), y.data(), sig.data());
    tanh_rows(static_cast<int>(y.size()), y.data(), tnh.data());
    for (int r = 0; r < m; ++r) {
      const float* s = sig.data() + static_cast<long>(r) * kGrooveWidth;
      const float* th = tnh.data() + static_cast<long>(r) * kGrooveWidth;
      float* p = prev.data() + static_cast<long>(r) * kGrooveWidth;
      for (int d = 0; d < kDrums; ++d) {
        const float threshold = temperature > 0.0 ? uniforms[r][t * kDrums + d] : 0.5f;
        const float hit = s[d] > threshold ? 1.0f : 0.0f;
        p[d] = hit;
        p[kDrums + d] = velocity_given_hit ? s[kDrums + d] * hit : s[kDrums + d];
        p[2 * kDrums + d] = th[2 * kDrums + d];
      }
      std::copy(p, p + kGrooveWidth, out[r].begin() + t * kGrooveWidth);
    }
  }
}

std::unique_ptr<Vae> Vae::build(Weights weights, const std::string& kind) {
  std::unique_ptr<Vae> v(new Vae());
  v->weights_ = std::move(weights);
  v->groove_ = kind == "groovae";
  v->load_layers();
  v->weights_.free_matrices();
  return v;
}

void Vae::load_layers() {
  const Weights& w = weights_;
  num_steps_ = static_cast<int>(w.attribute("num_steps", 0));
  z_size_ = static_cast<int>(w.attribute("z_size", 0));
  roll_input_ = w.attribute("roll_input", 0) != 0;
  magenta_js_roll_ = w.attribute("magenta_js_roll", 0) != 0;
  // Encoders fed classes read their input rows (encode_classes); drum rolls and grooves are dense.
  const bool lookups = !groove_ && !roll_input_;
  if (w.find("encoder.rnn.fw.kernel")) {
    level0_ = BiLstm::load(w, "encoder.rnn.", lookups);
  } else {
    level0_ = BiLstm::load(w, "encoder.level0.", lookups);
    level1_ = BiLstm::load(w, "encoder.level1.");
    num_segments_ = static_cast<int>(w.attribute("encoder.num_segments", 0));
    if (num_segments_ < 1 || num_steps_ % num_segments_ != 0 ||
        level1_->fw.in != 2 * level0_.fw.units) {
      throw LayoutError{"the hierarchical encoder's levels do not fit together"};
    }
  }
  mu_ = Dense::load(w, "mu.");
  sigma_ = Dense::load(w, "sigma.");
  const int enc_out = 2 * (level1_ ? level1_->fw.units : level0_.fw.units);
  if (num_steps_ < 1 || z_size_ < 1 || mu_.in != enc_out || mu_.out != z_size_ ||
      sigma_.in != enc_out || sigma_.out != z_size_) {
    throw LayoutError{"the encoder's outputs do not fit z"};
  }
  core_ = CoreDecoder::load(w, "decoder.core.", groove_);
  core_.velocity_given_hit = w.attribute("decoder.core.velocity_given_hit", 0) != 0;
  if (w.find("decoder.conductor.cells.0.kernel")) {
    if (groove_) throw LayoutError{"a conductor over a groove decoder is not supported"};
    conductor_ = Stack::load(w, "decoder.conductor.");
    conductor_initial_state_ = Dense::load(w, "decoder.initial_state.");
    decoder_segments_ = static_cast<int>(w.attribute("decoder.num_segments", 0));
    if (decoder_segments_ < 1 || num_steps_ % decoder_segments_ != 0 ||
        conductor_->first().in != 1 || conductor_initial_state_.in != z_size_ ||
        conductor_initial_state_.out != 2 * conductor_->total_units() ||
        core_.z_size != conductor_->cells.back().units) {
      throw LayoutError{"the conductor does not fit its core decoder"};
    }
  } else if (core_.z_size != z_size_) {
    throw LayoutError{"the decoder does not take z"};
  }
}

void Vae::encode(int m, const int64_t* classes, const float* dense, int width, Rows& mu,
                 Rows& sigma) const {
  const int t = num_steps_;
  const int rows = m * t;
  std::vector<float> h;
  int hw = 0;
  {
    auto xf = project_inputs(level0_.fw, rows, classes, dense, width);
    auto xb = project_inputs(level0_.bw, rows, classes, dense, width);
    const int segs = level1_ ? num_segments_ : 1;
    hw = 2 * level0_.fw.units;
    h.resize(static_cast<size_t>(m) * segs * hw);
    level0_.run(m * segs, t / segs, xf, xb, h.data(), hw);
  }
  if (level1_) {
    auto xf = project_inputs(level1_->fw, m * num_segments_, nullptr, h.data(), hw);
    auto xb = project_inputs(level1_->bw, m * num_segments_, nullptr, h.data(), hw);
    hw = 2 * level1_->fw.units;
    h.assign(static_cast<size_t>(m) * hw, 0.0f);
    level1_->run(m, num_segments_, xf, xb, h.data(), hw);
  }
  std::vector<float> out(static_cast<size_t>(m) * z_size_);
  mu_.apply(m, h.data(), hw, out.data(), z_size_);
  mu.assign(m, {});
  for (int r = 0; r < m; ++r)
    mu[r].assign(out.begin() + r * z_size_, out.begin() + (r + 1) * z_size_);
  sigma_.apply(m, h.data(), hw, out.data(), z_size_);
  sigma.assign(m, {});
  for (int r = 0; r < m; ++r) {
    sigma[r].resize(z_size_);
    for (int k = 0; k < z_size_; ++k) sigma[r][k] = softplus(out[r * z_size_ + k]);
  }
}

void Vae::encode_classes(const IntRows& classes, int depth, Rows& mu, Rows& sigma) const {
  if (groove_) throw std::invalid_argument("encode: a groove model takes groove rows");
  std::vector<int64_t> flat;
  for (const auto& r : classes) {
    if (static_cast<int>(r.size()) != num_steps_) {
      throw std::invalid_argument("encode: wrong number of steps");
    }
    for (int64_t c : r) {
      if (c < 0 || c >= depth) throw std::invalid_argument("encode: class out of range");
    }
    flat.insert(flat.end(), r.begin(), r.end());
  }
  const int m = static_cast<int>(classes.size());
  if (roll_input_) {
    auto roll = drum_roll(classes, num_steps_, magenta_js_roll_);
    encode(m, nullptr, roll.data(), kRollWidth, mu, sigma);
    return;
  }
  if (depth != level0_.fw.in) throw std::invalid_argument("encode: one-hot depth does not match");
  encode(m, flat.data(), nullptr, 0, mu, sigma);
}

void Vae::encode_groove(const Rows& rows, Rows& mu, Rows& sigma) const {
  if (!groove_) throw std::invalid_argument("encode: this model takes classes");
  auto flat = flatten(rows, static_cast<size_t>(num_steps_) * kGrooveWidth, "encode");
  encode(static_cast<int>(rows.size()), nullptr, flat.data(), kGrooveWidth, mu, sigma);
}

IntRows Vae::decode_classes(const Rows& z, double temperature, const Rows& uniforms) const {
  if (groove_) throw std::invalid_argument("decode: a groove model decodes groove rows");
  const int m = static_cast<int>(z.size());
  auto zf = flatten(z, z_size_, "decode z");
  check_shape(uniforms, z.size(), num_steps_, "decode uniforms");
  IntRows out(m, std::vector<int64_t>(num_steps_, 0));
  std::vector<int> prev(m, -1);
  if (!conductor_) {
    core_.decode_classes(m, zf.data(), num_steps_, temperature, uniforms, 0, prev, out);
    return out;
  }
  const Stack& cond = *conductor_;
  std::vector<float> proj(static_cast<size_t>(m) * conductor_initial_state_.out);
  conductor_initial_state_.apply(m, zf.data(), z_size_, proj.data(), conductor_initial_state_.out);
  StackState state = cond.from_projection(m, proj);
  // Zero dummy input: the first cell's input projection is its bias.
  const Cell& c0 = cond.first();
  std::vector<float> xw(static_cast<size_t>(m) * c0.gates()), scratch;
  for (int r = 0; r < m; ++r)
    std::copy(c0.bias_f.begin(), c0.bias_f.end(), xw.begin() + r * c0.gates());
  const int seg = num_steps_ / decoder_segments_;
  for (int s = 0; s < decoder_segments_; ++s) {
    const float* h = cond.step(m, xw.data(), state, scratch);
    core_.decode_classes(m, h, seg, temperature, uniforms, s * seg, prev, out);
  }
  return out;
}

Rows Vae::decode_groove(const Rows& z, double temperature, const Rows& uniforms) const {
  if (!groove_) throw std::invalid_argument("decode: this model decodes classes");
  const int m = static_cast<int>(z.size());
  auto zf = flatten(z, z_size_, "decode z");
  check_shape(uniforms, z.size(), static_cast<size_t>(num_steps_) * kDrums, "decode uniforms");
  Rows out(m, std::vector<float>(static_cast<size_t>(num_steps_) * kGrooveWidth, 0.0f));
  core_.decode_groove(m, zf.data(), num_steps_, temperature, uniforms, out);
  return out;
}

long Vae::encode_work() const {
  long n = (level0_.fw.weights() + level0_.bw.weights()) * num_steps_;
  if (level1_) n += (level1_->fw.weights() + level1_->bw.weights()) * num_segments_;
  return n;
}

long Vae::decode_work() const {
  return (core_.rnn.step_weights() + core_.output_projection.weights()) * num_steps_;
}

}  // namespace clipgen::engine::native
