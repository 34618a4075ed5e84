// Layers of the native runtime over Weights, in TF layout as models/clipgen_models/nets/layers.py
// (kernels [in, out], LSTM gates i, j, f, o, forget bias +1 at run time). Pointers alias the
// Weights they were built from, which must outlive them.
#pragma once

#include <string>
#include <vector>

#include "native/kernels.h"
#include "native/weights.h"

namespace clipgen::engine::native {

// Thrown while building from Weights whose names or shapes do not match the architecture; the
// caller falls back to TorchScript with the message.
struct LayoutError {
  std::string message;
};

const Param& need(const Weights& w, const std::string& name, int rows, int cols);  // cols -1: any

struct Dense {
  int in = 0, out = 0;
  const float* bias = nullptr;  // [out]
  PackedWeight packed;          // the kernel [in, out] in column panels: what the products read
  // The kernel's first `lookup_rows` rows, row-major, for one-hot classes, controls and the
  // binary counter (rows read, or multiplied once per call); empty unless asked for. The rest
  // of the row-major kernel is not kept.
  ParamData lookup;

  static Dense load(const Weights& w, const std::string& prefix, int lookup_rows = 0);
  // y[m][out] = x[m][in] * kernel + bias.
  void apply(int m, const float* x, int ldx, float* y, int ldy) const;
  long weights() const { return static_cast<long>(in) * out; }
};

// One TFLSTMCell: kernel [in + units, 4 units]; bias_f is the bias with the forget bias added.
struct Cell {
  int in = 0, units = 0;
  std::vector<float> bias_f;
  PackedWeight packed;  // [in + units, 4 units] in column panels: what the products read
  // The input rows [in, 4 units] row-major, for one-hot inputs, controls and the binary
  // counter (rows read, or products once per call); empty unless asked for at load. The
  // recurrent rows are kept packed only.
  ParamData x_rows;

  static Cell load(const Weights& w, const std::string& prefix, bool input_rows = false);
  int gates() const { return 4 * units; }
  const float* w_x() const { return x_rows.empty() ? nullptr : x_rows.data(); }
  long weights() const { return static_cast<long>(in + units) * gates(); }
  // gates[m][4u] = bias_f + x[m][in] * the kernel's input rows; with first_row/rows, x holds
  // only input elements first_row .. first_row + rows - 1 (one part of the step input, e.g. z).
  void project(int m, const float* x, int ldx, float* gates, int ldg, int first_row = 0,
               int rows = -1) const;
  // Adds h times the kernel's last `units` rows to gates and updates c, h ([m][units] each) in
  // place.
  void step(int m, float* gates, float* c, float* h) const;
};

// LSTM state of a stack for m rows: per layer c and h [m][units].
struct StackState {
  std::vector<std::vector<float>> c, h;
};

// tf MultiRNNCell of Cells ("<prefix>cells.N").
struct Stack {
  std::vector<Cell> cells;

  // input_rows: the first cell keeps its input rows row-major (Cell::x_rows).
  static Stack load(const Weights& w, const std::string& prefix, bool input_rows = false);
  int total_units() const;
  // Weights one step reads beyond the first cell's input rows (a row selection, or projected
  // once per call): a step's multiply-adds per batch row.
  long step_weights() const;
  const Cell& first() const { return cells.front(); }
  StackState zeros(int m) const;
  // tanh(projected) split as (c0, h0, c1, h1, ...), projected [m][2 * total_units].
  StackState from_projection(int m, const std::vector<float>& projected) const;
  // One step from the first cell's gate input xw0 [m][4 u0] (its bias_f included); scratch is
  // reused between calls. Returns the last layer's h [m][units].
  const float* step(int m, const float* xw0, StackState& s, std::vector<float>& scratch) const;
};

// Inverse-CDF sampling as layers.sample_categorical: argmax at temperature <= 0.
int sample_class(int n, const float* logits, double temperature, float u,
                 std::vector<float>& scratch);

}  // namespace clipgen::engine::native
