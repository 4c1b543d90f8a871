"""llama.cpp's OpenAI-compatible HTTP server (xllamacpp) on 127.0.0.1, for the teacher tests.

Usage: python llama_server.py MODEL.gguf PORT. Prints "LISTENING <url>" once it serves; runs until killed.
"""
import sys
import time

import xllamacpp as xlc

params = xlc.CommonParams()
params.model.path = sys.argv[1]
params.hostnames = ["127.0.0.1"]
params.port = int(sys.argv[2])
params.n_ctx = 4096
params.n_parallel = 1
params.cpuparams.n_threads = 1
params.cpuparams_batch.n_threads = 1
server = xlc.Server(params)
print("LISTENING", server.listening_address, flush=True)
while True:
    time.sleep(3600)
