"""PEFT LoRA adapter -> GGUF LoRA adapter that llama.cpp (node-llama-cpp) loads on the student.

Writes what llama.cpp's convert_lora_to_gguf.py writes: general.type "adapter", adapter.type
"lora", adapter.lora.alpha, and per adapted weight `<gguf tensor>.weight.lora_a` (PEFT's A,
r x n_in) and `.lora_b` (PEFT's B, n_out x r). The architecture and head counts come from the base
GGUF, so the tensor names and the llama q/k row permutation match the model it applies to.
"""

import argparse
import json
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import load_file


def read_base(path):
    r = gguf.GGUFReader(path)

    def field(key):
        f = r.fields.get(key)
        if f is None:
            return None
        v = f.parts[f.data[0]]
        return bytes(v).decode() if f.types[0] == gguf.GGUFValueType.STRING else int(v[0])

    arch = field("general.architecture")
    return {
        "arch": arch,
        "n_blocks": field(f"{arch}.block_count"),
        "n_head": field(f"{arch}.attention.head_count"),
        "n_head_kv": field(f"{arch}.attention.head_count_kv"),
    }


def permute_rows(w, n_head):
    """convert_hf_to_gguf's llama q/k permutation, applied to the output rows (LoRA B)."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def to_type(data, outtype):
    if outtype == "f32":
        return data.astype(np.float32), gguf.GGMLQuantizationType.F32
    if outtype == "f16":
        return data.astype(np.float16), gguf.GGMLQuantizationType.F16
    return gguf.quants.quantize(data.astype(np.float32), gguf.GGMLQuantizationType.Q8_0), gguf.GGMLQuantizationType.Q8_0


def convert(adapter_dir, base_gguf, out, outtype="f16"):
    base = read_base(base_gguf)
    cfg = json.loads((Path(adapter_dir) / "adapter_config.json").read_text())
    if cfg.get("use_rslora"):
        raise SystemExit("convert_lora: rsLoRA adapters are not supported (llama.cpp scales by alpha / r)")
    tensors = load_file(str(Path(adapter_dir) / "adapter_model.safetensors"))
    arch = next(k for k, v in gguf.MODEL_ARCH_NAMES.items() if v == base["arch"])
    names = gguf.get_tensor_name_map(arch, base["n_blocks"])

    Path(out).parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(out, base["arch"])
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(cfg["lora_alpha"]))
    count = 0
    for key in sorted(tensors):
        if ".lora_A." not in key:
            continue
        hf = key.replace("base_model.model.", "").split(".lora_A.")[0]
        target = names.get_name(hf)
        if target is None:
            raise SystemExit(f"convert_lora: no GGUF tensor for {hf} in architecture {base['arch']}")
        a = tensors[key].astype(np.float32)
        b = tensors[key.replace(".lora_A.", ".lora_B.")].astype(np.float32)
        if base["arch"] == "llama" and target.endswith(("attn_q", "attn_k")):
            b = permute_rows(b, base["n_head"] if target.endswith("attn_q") else base["n_head_kv"])
        for suffix, data in (("lora_a", a), ("lora_b", b)):
            data, dtype = to_type(data, outtype)
            writer.add_tensor(f"{target}.weight.{suffix}", data, raw_dtype=dtype)
        count += 1
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return count


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--adapter", required=True, help="PEFT adapter directory (adapter_config.json, adapter_model.safetensors)")
    p.add_argument("--base-gguf", required=True, help="the student GGUF the adapter applies to")
    p.add_argument("--out", required=True)
    p.add_argument("--outtype", choices=["f32", "f16", "q8_0"], required=True, help="distill.lora.outType")
    a = p.parse_args()
    n = convert(a.adapter, a.base_gguf, a.out, a.outtype)
    print(json.dumps({"out": a.out, "loraWeights": n}))


if __name__ == "__main__":
    main()
