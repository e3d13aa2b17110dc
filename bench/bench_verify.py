"""Bench: `warta verify` cost per 1,000 approval merges, at several depths of a long history.

Generates a repository with N approval merges (default 10,000), each as ``warta approve``
would leave it: an operator's edit of a published item, the editor's SSH-signed review
commit at the branch tip (``Reviewed-by``, ``Reviewed-items``), and the penanggung
jawab's SSH-signed ``--no-ff`` merge with its trailers.  The objects are written by
Python (zlib loose objects, SSHSIG signatures made with ``cryptography`` from keys that
``ssh-keygen`` generated), so that generating 10,000 merges takes seconds, not an hour;
git and ssh-keygen check every one of them during the walk, exactly as in CI.

It then verifies windows of ``--window`` merges starting at the base, in the middle and
near the tip (what a trust file's last verified tip makes ``warta verify`` do) and prints
the seconds per 1,000 merges of each window and the ratio of the last to the first: close
to 1 when the cost is linear in the merges walked, whatever the depth.  Usage:
    python bench/bench_verify.py [--merges 10000] [--window 1000]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

import yaml
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pipeline.content.gitrepo import Git
from pipeline.content.verify import verify_history

ITEMS = 50
PEOPLE = [
    ("rina", "Rina Operator", ["operator"]),
    ("sari", "Sari Editor", ["editor"]),
    ("hasan", "Hasan PJ", ["penanggung-jawab"]),
]


def _string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


class Signer:
    """An ed25519 key made by ssh-keygen, signing git objects in the SSHSIG format."""

    def __init__(self, path: Path) -> None:
        key = serialization.load_ssh_private_key(path.read_bytes(), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        self.key = key
        self.public = base64.b64decode(Path(f"{path}.pub").read_text().split()[1])

    def sign(self, payload: bytes) -> str:
        digest = hashlib.sha512(payload).digest()
        signed = b"SSHSIG" + _string(b"git") + _string(b"") + _string(b"sha512") + _string(digest)
        raw = _string(b"ssh-ed25519") + _string(self.key.sign(signed))
        blob = (
            b"SSHSIG"
            + (1).to_bytes(4, "big")
            + _string(self.public)
            + _string(b"git")
            + _string(b"")
            + _string(b"sha512")
            + _string(raw)
        )
        text = base64.b64encode(blob).decode()
        lines = [text[i : i + 70] for i in range(0, len(text), 70)]
        return "\n".join(["-----BEGIN SSH SIGNATURE-----", *lines, "-----END SSH SIGNATURE-----"])


class Objects:
    """Writes loose git objects straight into ``.git/objects``."""

    def __init__(self, git_dir: Path) -> None:
        self.folder = git_dir / "objects"

    def write(self, kind: str, data: bytes) -> str:
        raw = f"{kind} {len(data)}\0".encode() + data
        oid = hashlib.sha1(raw).hexdigest()
        path = self.folder / oid[:2] / oid[2:]
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(zlib.compress(raw, 1))
        return oid

    def tree(self, entries: dict[str, tuple[str, str]]) -> str:
        """``{name: (mode, oid)}``; git sorts folders as if their name ended in '/'."""
        order = sorted(entries, key=lambda n: n + "/" if entries[n][0] == "40000" else n)
        data = b"".join(
            f"{entries[n][0]} {n}\0".encode() + bytes.fromhex(entries[n][1]) for n in order
        )
        return self.write("tree", data)

    def commit(
        self,
        tree: str,
        parents: list[str],
        who: tuple[str, str],
        when: int,
        message: str,
        signer: Signer | None = None,
    ) -> str:
        ident = f"{who[0]} <{who[1]}> {when} +0000"
        head = f"tree {tree}\n" + "".join(f"parent {p}\n" for p in parents)
        head += f"author {ident}\ncommitter {ident}\n"
        body = f"\n{message}"
        if signer is not None:
            signature = signer.sign((head + body).encode())
            head += "gpgsig " + signature.replace("\n", "\n ") + "\n"
        return self.write("commit", (head + body).encode())


def item_text(slug: str, n: int) -> str:
    front = {
        "title": f"Halaman uji nomor {slug} yang cukup panjang",
        "slug": slug,
        "date": "2026-11-20",
        "category": "profil",
        "summary": "Ringkasan halaman uji.",
        "author": "rina",
        "attention": "routine",
        "status": "published",
    }
    return "---\n" + yaml.safe_dump(front, sort_keys=False) + f"---\n\n## Isi\n\nVersi {n}.\n"


def generate(root: Path, merges: int) -> tuple[Git, list[str]]:
    """The repository and the commit ids of the base and of every approval merge."""
    keys = {}
    for person, _name, _roles in PEOPLE[1:]:
        path = root.parent / f"{person}.key"
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", person, "-f", str(path)],
            check=True,
        )
        keys[person] = path
    people = [
        {
            "id": pid,
            "name": name,
            "email": f"{pid}@bench.example",
            "roles": roles,
            **({"ssh_key": Path(f"{keys[pid]}.pub").read_text().strip()} if pid in keys else {}),
        }
        for pid, name, roles in PEOPLE
    ]
    config = {
        "site": {"name": "Bench", "url": "https://bench.example/"},
        "categories": [
            {"id": "profil", "label": {"id": "Profil", "en": "Profile"}, "section": "profil"}
        ],
        "people": people,
        "signing": {"enabled": True},
    }
    (root / "warta.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    (root / "mkdocs.yml").write_text("site_name: Bench\ndocs_dir: content\n")
    for i in range(ITEMS):
        page = root / "content" / "profil" / f"h{i}"
        page.mkdir(parents=True)
        (page / "index.md").write_text(item_text(f"h{i}", 0))
    git = Git(root)
    git.run("init", "-q", "-b", "main")
    git.run("add", "-A")
    identity = {"user.name": "Rina", "user.email": "rina@bench.example"}
    git.run("commit", "-q", "-m", "base", config=identity)
    base = git.out("rev-parse", "HEAD")
    objects = Objects(root / ".git")
    signers = {person: Signer(path) for person, path in keys.items()}
    # The trees that do not change: everything but content/profil.
    top = {
        name: (mode, oid)
        for line in git.out("ls-tree", base).splitlines()
        for meta, name in [line.split("\t")]
        for mode, _kind, oid in [meta.split()]
    }
    profil = {
        name: (mode, oid)
        for line in git.out("ls-tree", f"{base}:content/profil").splitlines()
        for meta, name in [line.split("\t")]
        for mode, _kind, oid in [meta.split()]
    }
    content = {
        name: (mode, oid)
        for line in git.out("ls-tree", f"{base}:content").splitlines()
        for meta, name in [line.split("\t")]
        for mode, _kind, oid in [meta.split()]
    }
    rina = ("Rina Operator", "rina@bench.example")
    sari = ("Sari Editor", "sari@bench.example")
    hasan = ("Hasan PJ", "hasan@bench.example")
    main, ids, when = base, [base], 1_800_000_000
    for n in range(1, merges + 1):
        slug = f"h{n % ITEMS}"
        blob = objects.write("blob", item_text(slug, n).encode())
        page = objects.tree({"index.md": ("100644", blob)})
        profil[slug] = ("40000", page)
        content["profil"] = ("40000", objects.tree(profil))
        top["content"] = ("40000", objects.tree(content))
        tree = objects.tree(top)
        edit = objects.commit(tree, [main], rina, when, f"Edit {slug}\n")
        review = objects.commit(
            tree,
            [edit],
            sari,
            when + 1,
            f"Review {slug}\n\nReviewed-by: {sari[0]} <{sari[1]}>\nReviewed-items: {slug}\n",
            signers["sari"],
        )
        message = (
            f"Approve {slug}\n\nReviewed-by: {sari[0]} <{sari[1]}>\n"
            f"Approved-by: {hasan[0]} <{hasan[1]}>\nRoute: routine\n"
        )
        main = objects.commit(tree, [main, review], hasan, when + 2, message, signers["hasan"])
        ids.append(main)
        when += 3
    git.run("update-ref", "refs/heads/main", main)
    git.run("reset", "-q", "--hard")
    git.run("repack", "-q", "-a", "-d")
    return git, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merges", type=int, default=10_000)
    parser.add_argument("--window", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        start = time.perf_counter()
        git, ids = generate(root, args.merges)
        made = time.perf_counter() - start
        print(f"{'from merge':>10}  {'merges':>6}  {'seconds':>8}  {'s/1000 merges':>13}  ratio")
        starts = sorted({0, (args.merges - args.window) // 2, args.merges - args.window})
        first = 0.0
        for at in starts:
            begin = time.perf_counter()
            report = verify_history(
                git, config_rel="warta.yml", base=ids[at], tip=ids[at + args.window], worktree=False
            )
            elapsed = time.perf_counter() - begin
            if not report.ok:
                raise SystemExit(f"verify refused the generated history: {report.problems[0]}")
            per = elapsed / args.window * 1000
            first = first or per
            print(f"{at:>10}  {args.window:>6}  {elapsed:>8.2f}  {per:>13.2f}  {per / first:.2f}")
        print(f"(generated {args.merges} signed approval merges in {made:.1f}s)")


if __name__ == "__main__":
    main()
