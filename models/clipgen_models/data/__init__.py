"""Datasets: MIDI reading, windowing, splits and caches for training and evaluation."""
