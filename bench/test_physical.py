"""bench/physical.py's counts on hand-sized shapes (CTest bench_physical, label unit)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import physical  # noqa: E402

GFLOPS = 100.0
ACTIVATION_NS = 0.25


def groovae():
    p = {"encoder.rnn.fw.kernel": (27 + 24, 96), "encoder.rnn.bw.kernel": (27 + 24, 96),
         "decoder.core.rnn.cells.0.kernel": (27 + 8 + 24, 96),
         "decoder.core.rnn.cells.1.kernel": (48, 96),
         "decoder.core.output_projection.kernel": (24, 27)}
    return p, {"converter": {"type": "groove", "numSteps": 32}}


class PhysicalTest(unittest.TestCase):
    def test_groove_counts_dense_inputs_and_reads_recurrent_rows(self):
        p, meta = groovae()
        lim = physical.work_limit_ms(p, meta, "groove16", GFLOPS)
        # 8 windows x 32 steps; encoder: both directions' 27 input + 24 recurrent rows;
        # decoder: 27 fed-back + 24 recurrent rows of cell 0 (z's 8 rows are constant), cell 1,
        # the output layer.
        per_row_step = 2 * 51 * 96 + (51 * 96 + 48 * 96 + 24 * 27)
        self.assertAlmostEqual(lim["arithmetic"], 2.0 * 8 * 32 * per_row_step / GFLOPS / 1e6)
        # Read per step: recurrent rows of the encoder (its inputs are projected once per
        # call) and the decoder's multiplied rows.
        read = 2 * 24 * 96 + (51 * 96 + 48 * 96 + 24 * 27)
        self.assertAlmostEqual(lim["bandwidth"], read * 4 * 32 / physical.BANDWIDTH * 1000.0)
        self.assertEqual(lim["limit"], max(lim["bandwidth"], lim["arithmetic"]))

    def test_melody_inputs_are_lookups(self):
        p = {"encoder.rnn.fw.kernel": (90 + 32, 128), "encoder.rnn.bw.kernel": (90 + 32, 128),
             "decoder.core.rnn.cells.0.kernel": (90 + 8 + 32, 128),
             "decoder.core.output_projection.kernel": (32, 90)}
        meta = {"converter": {"type": "melody", "numSteps": 32}}
        lim = physical.work_limit_ms(p, meta, "interpolate16", GFLOPS)
        encode = 2 * 32 * 2 * 32 * 128  # 2 rows, both directions' recurrent rows only
        decode = 16 * 32 * (32 * 128 + 32 * 90)
        self.assertAlmostEqual(lim["arithmetic"], 2.0 * (encode + decode) / GFLOPS / 1e6)

    def test_hierarchical_level0_runs_a_row_per_segment(self):
        p = {"encoder.level0.fw.kernel": (90 + 16, 64), "encoder.level0.bw.kernel": (90 + 16, 64),
             "encoder.level1.fw.kernel": (32 + 8, 32), "encoder.level1.bw.kernel": (32 + 8, 32),
             "decoder.core.rnn.cells.0.kernel": (90 + 8 + 16, 64),
             "decoder.core.output_projection.kernel": (16, 90),
             "decoder.conductor.cells.0.kernel": (1 + 12, 48)}
        meta = {"converter": {"type": "melody", "numSteps": 64, "numSegments": 4}}
        enc = physical.work_limit_ms(p, meta, "interpolate1", GFLOPS)
        dec = physical.work_limit_ms(p, meta, "sample1", GFLOPS)
        # 2 clips x 4 segments x 16 steps at level 0; 2 x 4 steps of level 1 (dense inputs).
        level0 = 2 * 4 * 16 * 2 * 16 * 64
        level1 = 2 * 4 * 2 * 40 * 32
        self.assertAlmostEqual(enc["arithmetic"] - dec["arithmetic"],
                               2.0 * (level0 + level1) / GFLOPS / 1e6)

    def test_attention_rnn_counts_the_mix_and_the_first_cells_input(self):
        p = {"rnn.cells.0.kernel": (38 + 16, 64), "rnn.cells.1.kernel": (32, 64),
             "fully_connected.kernel": (16, 38), "attention.attn_w": (16, 16),
             "attention.attn_v": (16,), "attention.input_projection.kernel": (38 + 16, 38),
             "attention.query.kernel": (96, 16), "attention.output_projection.kernel": (32, 16)}
        lim = physical.work_limit_ms(p, {"converter": {"type": "melody"}}, "continue32", GFLOPS)
        per_step = (54 * 64 + 32 * 64) + 16 * 38 + (16 * 38 + 256 + 16 + 96 * 16 + 32 * 16)
        steps = physical.PRIMER_STEPS + 32
        self.assertAlmostEqual(lim["arithmetic"],
                               2.0 * per_step * steps * physical.CONTINUE_VARIATIONS / GFLOPS / 1e6)
        self.assertAlmostEqual(lim["bandwidth"], per_step * 4 * steps / physical.BANDWIDTH * 1e3)

    def test_binary_counter_rows_are_multiplied_but_read_once(self):
        p = {"rnn.cells.0.kernel": (512 + 5 + 24, 96), "rnn.cells.1.kernel": (48, 96),
             "fully_connected.kernel": (24, 512)}
        lim = physical.work_limit_ms(p, {"converter": {"type": "drums"}}, "continue32", GFLOPS)
        read = 24 * 96 + 48 * 96 + 24 * 512
        steps = physical.PRIMER_STEPS + 32
        self.assertAlmostEqual(lim["bandwidth"], read * 4 * steps / physical.BANDWIDTH * 1e3)
        self.assertAlmostEqual(lim["arithmetic"], 2.0 * (read + 5 * 96) * steps * 4 / GFLOPS / 1e6)

    def test_activations_are_five_per_unit_and_one_per_output_column(self):
        p, meta = groovae()
        lim = physical.work_limit_ms(p, meta, "groove16", GFLOPS, ACTIVATION_NS)
        # 8 windows x 32 steps; encoder: 24 units each way; decoder: two 24-unit cells and the
        # 27 output columns (hit and velocity sigmoids, offset tanh).
        per_row_step = 5 * (24 + 24) + (5 * (24 + 24) + 27)
        self.assertAlmostEqual(lim["activations"], 8 * 32 * per_row_step * ACTIVATION_NS / 1e6)
        self.assertAlmostEqual(lim["limit"], lim["arithmetic"] + lim["activations"])
        self.assertEqual(physical.work_limit_ms(p, meta, "groove16", GFLOPS)["activations"], 0.0)

    def test_attention_window_costs_a_tanh_per_unit_and_an_exponential_per_entry(self):
        p = {"rnn.cells.0.kernel": (38 + 16, 64), "rnn.cells.1.kernel": (32, 64),
             "fully_connected.kernel": (16, 38), "attention.attn_w": (16, 16),
             "attention.attn_v": (16,), "attention.input_projection.kernel": (38 + 16, 38),
             "attention.query.kernel": (64, 16), "attention.output_projection.kernel": (32, 16)}
        meta = {"converter": {"type": "melody"}, "attentionLength": 8}
        lim = physical.work_limit_ms(p, meta, "continue32", GFLOPS, ACTIVATION_NS)
        per_row_step = 5 * (16 + 16) + 38 + (8 * 16 + 8)
        steps = physical.PRIMER_STEPS + 32
        self.assertAlmostEqual(lim["activations"], per_row_step * steps *
                               physical.CONTINUE_VARIATIONS * ACTIVATION_NS / 1e6)

    def test_hierarchical_conductor_steps_once_per_segment(self):
        p = {"decoder.core.rnn.cells.0.kernel": (90 + 8 + 16, 64),
             "decoder.core.output_projection.kernel": (16, 90),
             "decoder.conductor.cells.0.kernel": (1 + 12, 48)}
        meta = {"converter": {"type": "melody", "numSteps": 64, "numSegments": 4}}
        lim = physical.work_limit_ms(p, meta, "sample8", GFLOPS, ACTIVATION_NS)
        # 8 rows: 64 core steps of 16 units and 90 classes, 4 conductor steps of 12 units.
        self.assertAlmostEqual(lim["activations"],
                               8 * (64 * (5 * 16 + 90) + 4 * 5 * 12) * ACTIVATION_NS / 1e6)

    def test_bandwidth_binds_when_it_is_larger_than_both_floors(self):
        p, meta = groovae()
        lim = physical.work_limit_ms(p, meta, "groove4", 1e6, 1e-6)
        self.assertEqual(lim["limit"], lim["bandwidth"])

    def test_each_pass_is_charged_the_rate_of_the_largest_measured_size_within_its_bytes(self):
        p, meta = groovae()
        enc_read = 2 * 24 * 96 * 4  # bytes per step: the encoder's recurrent rows
        dec_read = (51 * 96 + 48 * 96 + 24 * 27) * 4
        self.assertLess(enc_read, dec_read)
        ladder = [{"bytes": 64 << 20, "bytesPerSecond": 10e9},
                  {"bytes": 16 << 10, "bytesPerSecond": 200e9},  # unsorted on purpose
                  {"bytes": enc_read + 1, "bytesPerSecond": 100e9},
                  {"bytes": dec_read, "bytesPerSecond": 50e9}]
        self.assertEqual(physical.read_bandwidth(enc_read, ladder), 200e9)
        self.assertEqual(physical.read_bandwidth(dec_read, ladder), 50e9)
        self.assertEqual(physical.read_bandwidth(1 << 30, ladder), 10e9)
        self.assertEqual(physical.read_bandwidth(100, ladder), 200e9)  # below all: the smallest
        lim = physical.work_limit_ms(p, meta, "groove4", GFLOPS, 0.0, ladder)
        self.assertAlmostEqual(lim["bandwidth"],
                               (enc_read * 32 / 200e9 + dec_read * 32 / 50e9) * 1000.0)
        # A number is one rate for every size.
        flat = physical.work_limit_ms(p, meta, "groove4", GFLOPS, 0.0, 50e9)
        self.assertAlmostEqual(flat["bandwidth"], (enc_read + dec_read) * 32 / 50e9 * 1000.0)

    def test_unknown_work_has_no_limit(self):
        p, meta = groovae()
        self.assertIsNone(physical.work_limit_ms(p, meta, "transpose4", GFLOPS))


if __name__ == "__main__":
    unittest.main()
