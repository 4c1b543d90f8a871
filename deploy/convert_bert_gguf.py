"""Convert a sentence-transformers BERT checkpoint (safetensors + vocab.txt) to a GGUF embedding model.

llama.cpp runs BERT encoders natively (arch "bert", WordPiece vocab, mean pooling), so the
embedding model shares one runtime with the student and the teacher. Weights are written as F16,
norms and biases as F32, in a fixed order, so the output (and its sha256) is reproducible.
"""
import json
import sys
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import load_file

LAYER_MAP = {
    "attention.self.query": "attn_q",
    "attention.self.key": "attn_k",
    "attention.self.value": "attn_v",
    "attention.output.dense": "attn_output",
    "attention.output.LayerNorm": "attn_output_norm",
    "intermediate.dense": "ffn_up",
    "output.dense": "ffn_down",
    "output.LayerNorm": "layer_output_norm",
}
TOP_MAP = {
    "embeddings.word_embeddings": "token_embd",
    "embeddings.token_type_embeddings": "token_types",
    "embeddings.position_embeddings": "position_embd",
    "embeddings.LayerNorm": "token_embd_norm",
}


def gguf_name(hf_name: str) -> str | None:
    name = hf_name.removeprefix("bert.")
    stem, _, kind = name.rpartition(".")
    kind = {"gamma": "weight", "beta": "bias"}.get(kind, kind)
    if stem in TOP_MAP:
        return f"{TOP_MAP[stem]}.{kind}"
    if stem.startswith("encoder.layer."):
        _, _, idx, rest = stem.split(".", 3)
        if rest in LAYER_MAP:
            return f"blk.{idx}.{LAYER_MAP[rest]}.{kind}"
    return None  # pooler and position_ids are not used for mean-pooled embeddings


def phantom_space(token: str) -> str:
    if token.startswith("[") and token.endswith("]"):
        return token
    if token.startswith("##"):
        return token[2:]
    return "\u2581" + token


def convert(model_dir: Path, out_path: Path) -> None:
    cfg = json.loads((model_dir / "config.json").read_text())
    tokens = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    if len(tokens) != cfg["vocab_size"]:
        raise SystemExit(f"vocab.txt has {len(tokens)} tokens, config says {cfg['vocab_size']}")

    w = gguf.GGUFWriter(str(out_path), "bert")
    w.add_name(model_dir.name)
    w.add_context_length(cfg["max_position_embeddings"])
    w.add_embedding_length(cfg["hidden_size"])
    w.add_feed_forward_length(cfg["intermediate_size"])
    w.add_block_count(cfg["num_hidden_layers"])
    w.add_head_count(cfg["num_attention_heads"])
    w.add_layer_norm_eps(cfg["layer_norm_eps"])
    w.add_causal_attention(False)
    w.add_pooling_type(gguf.PoolingType.MEAN)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)

    w.add_tokenizer_model("bert")
    w.add_token_list([phantom_space(t) for t in tokens])
    control = gguf.TokenType.CONTROL
    w.add_token_types([control if t.startswith("[") and t.endswith("]") else gguf.TokenType.NORMAL for t in tokens])
    w.add_token_type_count(cfg["type_vocab_size"])
    vocab = {t: i for i, t in enumerate(tokens)}
    w.add_bos_token_id(vocab["[CLS]"])
    w.add_eos_token_id(vocab["[SEP]"])
    w.add_sep_token_id(vocab["[SEP]"])
    w.add_unk_token_id(vocab["[UNK]"])
    w.add_pad_token_id(vocab["[PAD]"])
    w.add_mask_token_id(vocab["[MASK]"])
    w.add_add_bos_token(True)
    w.add_add_eos_token(True)

    tensors = load_file(str(model_dir / "model.safetensors"))
    for hf_name in sorted(tensors):
        name = gguf_name(hf_name)
        if name is None:
            continue
        data = tensors[hf_name].astype(np.float32)
        if data.ndim == 2 and not name.startswith(("token_types", "position_embd")):
            data = data.astype(np.float16)
        w.add_tensor(name, data)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: convert_bert_gguf.py MODEL_DIR OUT.gguf")
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
