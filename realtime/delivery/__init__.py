"""Delivery: publishing broadcasts (batched), stream names, and stream history."""
