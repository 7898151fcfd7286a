"""Which kind of dataset a folder holds, and where the bundled sample publication is."""

from __future__ import annotations

from pathlib import Path

from eval.beir import is_beir_folder, load_beir
from eval.model import Dataset, DatasetError
from eval.sample_sets import is_publication_folder, load_publication

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT_ROOT / "examples"


def open_dataset(folder: Path, workdir: Path, split: str = "test") -> Dataset:
    """The dataset in `folder`: a BEIR folder (corpus.jsonl, queries.jsonl, qrels/) or a
    publication (articles/, questions.jsonl). `workdir` receives converted files."""
    if is_beir_folder(folder):
        return load_beir(folder, workdir, split)
    if is_publication_folder(folder):
        return load_publication(folder)
    raise DatasetError(
        f"{folder}: not a dataset: expected corpus.jsonl, queries.jsonl and qrels/{split}.tsv "
        "(BEIR), or articles/ and questions.jsonl (a publication like examples/)"
    )


def dataset_folder(given: Path | None) -> Path:
    """The folder a user named (the bundled sample when none), also found relative to the
    project so that `--dataset examples` works from any directory."""
    if given is None:
        return SAMPLE
    if given.exists() or given.is_absolute():
        return given
    inside = PROJECT_ROOT / given
    return inside if inside.exists() else given


def resolve_dataset_path(recorded: str) -> Path:
    """A dataset path as a report records it: relative ones are relative to the project."""
    path = Path(recorded)
    return path if path.is_absolute() else PROJECT_ROOT / path


def recorded_path(folder: Path) -> str:
    """How a report names `folder`: relative to the project when inside it, so a baseline
    made on one machine names the same data in a CI clone."""
    resolved = folder.resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(resolved)
