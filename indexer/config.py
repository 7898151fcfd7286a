"""Settings: built once by an entry point from the environment / `.env`, then passed down."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


class ChunkingSettings(BaseModel):
    chunk_tokens: int = Field(
        200, ge=16, description="Most tokens in one chunk, heading prefix included"
    )
    overlap_tokens: int = Field(
        32, ge=0, description="Tokens of prose repeated from the previous chunk"
    )

    @model_validator(mode="after")
    def _overlap_below_half(self) -> ChunkingSettings:
        if self.overlap_tokens >= self.chunk_tokens // 2:
            raise ValueError("overlap_tokens must be under half of chunk_tokens")
        return self


class Settings(BaseSettings):
    """Every setting reads `FOOTNOTE_<NAME>`; nested ones use `__`, e.g.
    `FOOTNOTE_CHUNKING__CHUNK_TOKENS=256`."""

    model_config = SettingsConfigDict(
        env_prefix="FOOTNOTE_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(Path("data"), description="Where the index lives")
    model: str = Field(DEFAULT_MODEL, description="sentence-transformers model name or directory")
    model_dir: Path | None = Field(None, description="Directory of the model; default: bundled")
    embed_batch_size: int = Field(32, ge=1, le=1024)
    chunking: ChunkingSettings = Field(default_factory=lambda: ChunkingSettings())
    keep_snapshots: int = Field(3, ge=2, description="Snapshot generations kept on disk")
    batch_articles: int = Field(1000, ge=1, description="Articles per commit while indexing")
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant")
    max_query_chars: int = Field(500, ge=10)
    max_k: int = Field(50, ge=1, description="Most results one page may ask for")
    max_page: int = Field(50, ge=1, description="Deepest result page")
    torch_threads: int | None = Field(None, ge=1, description="CPU threads for embedding")

    @property
    def db_path(self) -> Path:
        return self.data_dir / "footnote.db"

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshots"
