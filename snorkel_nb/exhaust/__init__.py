"""Developer exhaust: predict untrained models' performance from past training logs."""
