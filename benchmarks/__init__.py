"""Speed and memory figures named in the issues. Run: python -m benchmarks [NAME...] [--json]"""
