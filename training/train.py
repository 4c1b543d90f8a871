"""LoRA SFT of the student on the distillation set (TRL SFTTrainer + PEFT).

Reads train.jsonl / heldout.jsonl (chat records from training/sft-set.ts), computes the loss on
assistant turns only, checkpoints as it goes (a rerun with the same --out resumes) and writes
<out>/adapter (PEFT) and <out>/train-report.json. Base weights: the student GGUF dequantized by
transformers (--base-gguf) or a Hugging Face checkpoint directory (--base-hf).
"""

import argparse
import json
import os
import time
from pathlib import Path

import torch
from datasets import Dataset
from peft import LoraConfig
from transformers import AutoModelForCausalLM, AutoTokenizer
from transformers.trainer_utils import get_last_checkpoint
from trl import SFTConfig, SFTTrainer


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--train", required=True)
    p.add_argument("--heldout")
    p.add_argument("--out", required=True)
    base = p.add_mutually_exclusive_group(required=True)
    base.add_argument("--base-gguf", help="student GGUF file (qwen2 / llama architectures)")
    base.add_argument("--base-hf", help="Hugging Face checkpoint directory")
    # The config owns these (distill.lora.*, distill.device; training/train.ts passes them): no defaults here.
    p.add_argument("--r", type=int, required=True)
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--dropout", type=float, required=True)
    p.add_argument("--lr", type=float, required=True)
    p.add_argument("--epochs", type=float, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--grad-accum", type=int, required=True)
    p.add_argument("--max-seq-len", type=int, required=True)
    p.add_argument("--max-steps", type=int, required=True)
    p.add_argument("--device", choices=["auto", "cpu", "cuda"], required=True)
    p.add_argument("--save-steps", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def load_base(args, dtype):
    if args.base_gguf:
        d, f = os.path.dirname(os.path.abspath(args.base_gguf)), os.path.basename(args.base_gguf)
        tok = AutoTokenizer.from_pretrained(d, gguf_file=f)
        model = AutoModelForCausalLM.from_pretrained(d, gguf_file=f, dtype=dtype)
        # The GGUF weights are dequantized to `dtype` on load; only the "quantized" marker remains,
        # and it would make the Trainer refuse to train.
        model.hf_quantizer = None
        model.is_quantized = False
        model.config.quantization_config = None
    else:
        tok = AutoTokenizer.from_pretrained(args.base_hf)
        model = AutoModelForCausalLM.from_pretrained(args.base_hf, dtype=dtype)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok, model


def tokenize_chat(tok, messages, max_len):
    """input_ids plus a mask of the assistant turns' tokens (their text and end-of-turn token)."""
    ids = tok.apply_chat_template(messages, tokenize=True, return_dict=True)["input_ids"]
    mask = [0] * len(ids)
    for i, m in enumerate(messages):
        if m["role"] != "assistant":
            continue
        start = len(tok.apply_chat_template(messages[:i], tokenize=True, add_generation_prompt=True, return_dict=True)["input_ids"])
        end = len(tok.apply_chat_template(messages[: i + 1], tokenize=True, return_dict=True)["input_ids"])
        mask[start:end] = [1] * (end - start)
    return {"input_ids": ids[:max_len], "assistant_masks": mask[:max_len]}


def load_set(tok, path, max_len):
    rows = [json.loads(l) for l in Path(path).read_text().splitlines() if l.strip()]
    return Dataset.from_list([tokenize_chat(tok, r["messages"], max_len) for r in rows])


def main():
    args = parse_args()
    torch.manual_seed(args.seed)
    cuda = torch.cuda.is_available() and args.device != "cpu"
    if args.device == "cuda" and not cuda:
        raise SystemExit("train.py: --device cuda but no CUDA device is visible")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    # fp32 master weights, bf16 autocast on CUDA. (On the H100, padded batches of 8 gave NaN gradients from step 6
    # in bf16 and fp32 alike; batch size 1 with gradient accumulation trained cleanly.)
    tok, model = load_base(args, torch.float32)
    train = load_set(tok, args.train, args.max_seq_len)
    heldout = load_set(tok, args.heldout, args.max_seq_len) if args.heldout and Path(args.heldout).stat().st_size else None
    ckpt_dir = out / "checkpoints"
    config = SFTConfig(
        output_dir=str(ckpt_dir),
        num_train_epochs=args.epochs,
        max_steps=args.max_steps or -1,
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        gradient_accumulation_steps=args.grad_accum,
        learning_rate=args.lr,
        lr_scheduler_type="cosine",
        warmup_steps=0.03,
        logging_steps=1,
        save_strategy="steps",
        save_steps=args.save_steps,
        save_total_limit=2,
        max_length=args.max_seq_len,
        bf16=cuda,
        use_cpu=not cuda,
        report_to=[],
        seed=args.seed,
        dataloader_num_workers=0,
        disable_tqdm=False,
    )
    lora = LoraConfig(r=args.r, lora_alpha=args.alpha, lora_dropout=args.dropout, target_modules="all-linear", task_type="CAUSAL_LM")
    trainer = SFTTrainer(model=model, args=config, train_dataset=train, eval_dataset=heldout, processing_class=tok, peft_config=lora)

    def mean_loss(dataset):
        # Computed directly: Trainer.evaluate() reports no loss for PEFT models whose forward hides `labels`.
        model_ = trainer.model
        was_training = model_.training
        model_.eval()
        total, batches = 0.0, 0
        with torch.no_grad():
            for batch in trainer.get_eval_dataloader(dataset):
                batch = trainer._prepare_inputs(batch)
                inputs = {k: batch[k] for k in ("input_ids", "attention_mask", "position_ids", "labels") if k in batch}
                total += model_(**inputs).loss.item()
                batches += 1
        model_.train(was_training)
        return total / max(batches, 1)

    def losses():
        # The trainer's own (prepared: labels built) copies of the sets.
        r = {"train": mean_loss(trainer.train_dataset)}
        if heldout is not None:
            r["heldOut"] = mean_loss(trainer.eval_dataset)
        return r

    resume = get_last_checkpoint(str(ckpt_dir)) if ckpt_dir.exists() else None
    before_file = out / "loss-before.json"
    if resume and before_file.exists():
        before = json.loads(before_file.read_text())
    else:
        before = losses()
        before_file.write_text(json.dumps(before))
    t_train = time.time()
    trainer.train(resume_from_checkpoint=resume)
    train_seconds = time.time() - t_train
    after = losses()
    trainer.model.save_pretrained(str(out / "adapter"))
    report = {
        "device": torch.cuda.get_device_name(0) if cuda else "cpu",
        "resumedFrom": resume,
        "examples": {"train": len(train), "heldOut": len(heldout) if heldout is not None else 0},
        "steps": trainer.state.global_step,
        "lossBefore": before,
        "lossAfter": after,
        "trainLossCurve": [h["loss"] for h in trainer.state.log_history if "loss" in h],
        "trainSeconds": round(train_seconds, 1),
        "totalSeconds": round(time.time() - t0, 1),
        "hyperparameters": {k: getattr(args, k) for k in ("r", "alpha", "dropout", "lr", "epochs", "batch_size", "grad_accum", "max_seq_len")},
    }
    (out / "train-report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps({"lossBefore": before, "lossAfter": after, "trainSeconds": report["trainSeconds"]}))


if __name__ == "__main__":
    main()
