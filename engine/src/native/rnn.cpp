#include "native/rnn.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "native/kernels.h"

namespace clipgen::engine::native {

std::unique_ptr<Rnn> Rnn::build(Weights weights) {
  std::unique_ptr<Rnn> r(new Rnn());
  r->weights_ = std::move(weights);
  r->load_layers();
  r->weights_.free_matrices();
  return r;
}

void Rnn::load_layers() {
  const Weights& w = weights_;
  num_classes_ = static_cast<int>(w.attribute("num_classes", 0));
  control_size_ = static_cast<int>(w.attribute("control_size", 0));
  aux_bits_ = static_cast<int>(w.attribute("aux_bits", 0));
  input_size_ = control_size_ + num_classes_ + aux_bits_;
  const int length = static_cast<int>(w.attribute("attn_length", 0));
  // The layer that reads the step input keeps its input rows row-major (one-hot rows, controls,
  // the binary counter): the first cell, or the attention's input projection.
  rnn_ = Stack::load(w, "rnn.", /*input_rows=*/length <= 0);
  fully_connected_ = Dense::load(w, "fully_connected.");
  const int out = rnn_.cells.back().units;
  if (length > 0) {
    Attention a;
    a.length = length;
    a.input_projection = Dense::load(w, "attention.input_projection.", input_size_);
    a.query = Dense::load(w, "attention.query.");
    a.output_projection = Dense::load(w, "attention.output_projection.");
    a.size = out;
    a.attn_w = PackedWeight::pack(need(w, "attention.attn_w", out, out).data.data(), out, out, out);
    a.attn_v = need(w, "attention.attn_v", out, -2).data.data();
    a.query_bias = w.attribute("attention.query_bias", 0) != 0;
    if (a.input_projection.in != input_size_ + out || a.input_projection.out != input_size_ ||
        a.query.in != 2 * rnn_.total_units() || a.query.out != out ||
        a.output_projection.in != 2 * out || a.output_projection.out != out) {
      throw LayoutError{"the attention wrapper does not fit the LSTM"};
    }
    attention_ = a;
  }
  if (num_classes_ < 1 || rnn_.first().in != input_size_ || fully_connected_.in != out ||
      fully_connected_.out != num_classes_) {
    throw LayoutError{"the MusicRNN layers do not fit together"};
  }
}

// Per-call buffers: the attention window is a ring of [B][L][2A] (output, its attn_w features);
// attention is a softmax-weighted sum, blind to the order of the window.
struct Rnn::Run {
  const Rnn& net;
  int m;
  StackState state;
  std::vector<float> attention, states, query, cat, score, mixed, output, x, xw0, scratch;

  Run(const Rnn& n, int rows) : net(n), m(rows), state(n.rnn_.zeros(rows)) {
    if (net.attention_) {
      const auto& a = *net.attention_;
      attention.assign(static_cast<size_t>(m) * a.size, 0.0f);
      states.assign(static_cast<size_t>(m) * a.length * 2 * a.size, 0.0f);
      query.resize(static_cast<size_t>(m) * a.size);
      cat.resize(static_cast<size_t>(m) * a.query.in);
      score.resize(static_cast<size_t>(m) * a.length);
      mixed.resize(static_cast<size_t>(m) * 2 * a.size);
      output.resize(static_cast<size_t>(m) * a.size);
      x.resize(static_cast<size_t>(m) * net.input_size_);
    }
    xw0.resize(static_cast<size_t>(m) * net.rnn_.first().gates());
  }

  // xw [m][N]: the step input times the first layer's input rows, bias included. Returns the
  // step's output [m][out].
  const float* step(const float* xw, int slot) {
    const Cell& c0 = net.rnn_.first();
    const int g = c0.gates();
    if (!net.attention_) {
      return net.rnn_.step(m, xw, state, scratch);
    }
    const auto& a = *net.attention_;
    const int A = a.size;
    const int n_in = net.input_size_;
    // x = xw + attention * ip.kernel[input_size:], then the first cell's projection.
    std::copy(xw, xw + static_cast<long>(m) * n_in, x.begin());
    gemm_packed(m, A, attention.data(), A, a.input_projection.packed, n_in, nullptr, x.data(),
                n_in);
    c0.project(m, x.data(), n_in, xw0.data(), g);
    net.rnn_.step(m, xw0.data(), state, scratch);
    // Query from every layer's (c, h), in the order c0, h0, c1, h1, ...: gathered into one
    // row each, so one product (the same sums in the same order) replaces two per layer, each
    // of which paid a call's fixed cost for 16-32 rows of k.
    const int qin = a.query.in;
    for (int r = 0; r < m; ++r) {
      float* dst = cat.data() + static_cast<long>(r) * qin;
      for (size_t l = 0; l < net.rnn_.cells.size(); ++l) {
        const int u = net.rnn_.cells[l].units;
        const float* c = state.c[l].data() + static_cast<long>(r) * u;
        const float* h = state.h[l].data() + static_cast<long>(r) * u;
        dst = std::copy(h, h + u, std::copy(c, c + u, dst));
      }
    }
    if (!a.query_bias) std::fill(query.begin(), query.end(), 0.0f);
    gemm_packed(m, qin, cat.data(), qin, a.query.packed, 0, a.query_bias ? a.query.bias : nullptr,
                query.data(), A);
    const int out_units = net.rnn_.cells.back().units;
    // Each kernel over every row before the next: a row's scores, softmax and mix are a chain
    // of dependent short calls, and the rows' chains can then overlap.
    const long row_stride = static_cast<long>(a.length) * 2 * A;
    for (int r = 0; r < m; ++r) {
      tanh_dots(a.length, A, states.data() + r * row_stride + A, 2L * A,
                query.data() + static_cast<long>(r) * A, a.attn_v,
                score.data() + static_cast<long>(r) * a.length);
    }
    for (int r = 0; r < m; ++r) softmax_weights(a.length, score.data() + r * a.length);
    for (int r = 0; r < m; ++r) {
      const float* win = states.data() + r * row_stride;
      const float* p_row = score.data() + static_cast<long>(r) * a.length;
      float* att = attention.data() + static_cast<long>(r) * A;
      std::fill(att, att + A, 0.0f);
      for (int l = 0; l < a.length; ++l) {
        const float p = p_row[l];
        const float* st = win + static_cast<long>(l) * 2 * A;
        for (int k = 0; k < A; ++k) att[k] += p * st[k];
      }
      float* mix = mixed.data() + static_cast<long>(r) * 2 * A;
      const float* h_last = state.h.back().data() + static_cast<long>(r) * out_units;
      std::copy(h_last, h_last + A, mix);
      std::copy(att, att + A, mix + A);
    }
    a.output_projection.apply(m, mixed.data(), 2 * A, output.data(), A);
    // The new window entry: [output, output * attn_w] in the ring's oldest slot (rows of the
    // window are 2A apart, so one product writes every row's features in place).
    float* first = states.data() + static_cast<long>(slot) * 2 * A;
    for (int r = 0; r < m; ++r) {
      float* entry = first + r * row_stride;
      const float* o = output.data() + static_cast<long>(r) * A;
      std::copy(o, o + A, entry);
      std::fill(entry + A, entry + 2 * A, 0.0f);
    }
    gemm_packed(m, A, output.data(), A, a.attn_w, 0, nullptr, first + A,
                static_cast<int>(row_stride));
    return output.data();
  }
};

IntRows Rnn::generate(const IntRows& primer, const Rows* controls, int steps, double temperature,
                      const Rows& uniforms) const {
  const int m = static_cast<int>(primer.size());
  if (m < 1 || primer.front().empty()) {
    throw std::invalid_argument("generate: the primer needs at least one step");
  }
  if (steps < 1) throw std::invalid_argument("generate: steps must be at least 1");
  const int plen = static_cast<int>(primer.front().size());
  for (const auto& r : primer) {
    if (static_cast<int>(r.size()) != plen) throw std::invalid_argument("generate: ragged primer");
    for (int64_t c : r) {
      if (c < 0 || c >= num_classes_) throw std::invalid_argument("generate: class out of range");
    }
  }
  if (static_cast<int>(uniforms.size()) != m) throw std::invalid_argument("generate: uniforms");
  for (const auto& u : uniforms) {
    if (static_cast<int>(u.size()) < steps) throw std::invalid_argument("generate: uniforms");
  }
  if ((controls != nullptr) != (control_size_ > 0)) {
    throw std::invalid_argument(control_size_ > 0 ? "generate: this model needs controls"
                                                  : "generate: this model takes no controls");
  }
  const int count = plen + steps - 1;
  if (controls) {
    if (static_cast<int>(controls->size()) != m) throw std::invalid_argument("generate: controls");
    for (const auto& c : *controls) {
      if (c.size() != static_cast<size_t>(plen + steps) * control_size_) {
        throw std::invalid_argument("generate: controls must be [B, (P + steps) * K]");
      }
    }
  }
  // The first layer that reads the step input: the attention input projection, else the first
  // cell (its bias with the forget bias).
  const float* rows = attention_ ? attention_->input_projection.lookup.data() : rnn_.first().w_x();
  const int n = attention_ ? input_size_ : rnn_.first().gates();
  const float* bias = attention_ ? attention_->input_projection.bias : rnn_.first().bias_f.data();
  // fixed[b][i]: bias + controls[i+1] + binary counter(i+1), all steps at once ([1][count] when
  // no controls make rows differ).
  const int fixed_rows = controls ? m : 1;
  std::vector<float> fixed(static_cast<size_t>(fixed_rows) * count * n);
  for (long i = 0; i < static_cast<long>(fixed_rows) * count; ++i) {
    std::copy(bias, bias + n, fixed.begin() + i * n);
  }
  if (controls) {
    for (int b = 0; b < m; ++b) {
      gemm_acc(count, n, control_size_, (*controls)[b].data() + control_size_, control_size_, rows,
               n, fixed.data() + static_cast<long>(b) * count * n, n);
    }
  }
  if (aux_bits_ > 0) {
    std::vector<float> bits(static_cast<size_t>(count) * aux_bits_);
    for (int i = 0; i < count; ++i) {
      for (int k = 0; k < aux_bits_; ++k) {
        bits[i * aux_bits_ + k] = (((i + 1) >> k) & 1) ? 1.0f : -1.0f;
      }
    }
    const float* aux_rows = rows + static_cast<long>(control_size_ + num_classes_) * n;
    for (int b = 0; b < fixed_rows; ++b) {
      gemm_acc(count, n, aux_bits_, bits.data(), aux_bits_, aux_rows, n,
               fixed.data() + static_cast<long>(b) * count * n, n);
    }
  }
  const float* class_rows = rows + static_cast<long>(control_size_) * n;
  const int window = attention_ ? attention_->length : 1;
  Run run(*this, m);
  std::vector<float> xw(static_cast<size_t>(m) * n), logits(static_cast<size_t>(m) * num_classes_),
      cdf;
  auto input = [&](int i, const std::vector<int>& cls) {
    for (int b = 0; b < m; ++b) {
      const float* f = fixed.data() + (static_cast<long>(controls ? b : 0) * count + i) * n;
      const float* c = class_rows + static_cast<long>(cls[b]) * n;
      float* x = xw.data() + static_cast<long>(b) * n;
      for (int k = 0; k < n; ++k) x[k] = f[k] + c[k];
    }
  };
  const float* output = nullptr;
  std::vector<int> cls(m);
  for (int i = 0; i < plen; ++i) {
    for (int b = 0; b < m; ++b) cls[b] = static_cast<int>(primer[b][i]);
    input(i, cls);
    output = run.step(xw.data(), i % window);
  }
  IntRows out(m, std::vector<int64_t>(steps, 0));
  const int out_units = rnn_.cells.back().units;
  for (int k = 0; k < steps; ++k) {
    fully_connected_.apply(m, output, out_units, logits.data(), num_classes_);
    for (int b = 0; b < m; ++b) {
      cls[b] = sample_class(num_classes_, logits.data() + static_cast<long>(b) * num_classes_,
                            temperature, uniforms[b][k], cdf);
      out[b][k] = cls[b];
    }
    if (k < steps - 1) {
      input(plen + k, cls);
      output = run.step(xw.data(), (plen + k) % window);
    }
  }
  return out;
}

long Rnn::step_work() const {
  long n = rnn_.step_weights() + fully_connected_.weights();
  if (attention_) {
    const auto& a = *attention_;
    n += rnn_.first().weights() - static_cast<long>(rnn_.first().units) * rnn_.first().gates() +
         static_cast<long>(a.size) * (input_size_ + a.size) + a.query.weights() +
         a.output_projection.weights();
  }
  return n;
}

}  // namespace clipgen::engine::native
