"""`footnote search [QUERY] [-k N] [--mode MODE] [--json]`: one query, or one per line from
stdin, printed as ranked articles with their passages (or as JSON for scripts)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from footnote.arguments import Commands, Parents
from indexer.config import Settings
from indexer.errors import InvalidQuery

if TYPE_CHECKING:
    from indexer.search.search_service import SearchPage


def add_parser(commands: Commands, parents: Parents) -> None:
    search = commands.add_parser("search", parents=parents.scripted, help="search the index")
    search.add_argument("query", nargs="?", help="omit to type queries one per line")
    search.add_argument("-k", type=int, default=5, help="how many articles (default 5)")
    search.add_argument("--mode", default="hybrid", help="dense, bm25 or hybrid (default)")
    search.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.bootstrap import build

    services = build(settings)
    if args.query is not None:
        _print_search(
            args.query, services.search.search(args.query, k=args.k, mode=args.mode), args
        )
        return 0
    interactive = sys.stdin.isatty()
    if interactive:
        print("Type a question and press Enter (Ctrl-D to quit).", file=sys.stderr)
    while True:
        try:
            line = input("search> " if interactive else "")
        except EOFError:
            return 0
        if not line.strip():
            continue
        try:
            _print_search(line, services.search.search(line, k=args.k, mode=args.mode), args)
        except InvalidQuery as exc:
            print(f"footnote: {exc}", file=sys.stderr)


def _print_search(query: str, result: SearchPage, args: argparse.Namespace) -> None:
    if args.json:
        print(
            json.dumps(
                {
                    "query": query,
                    "mode": result.mode,
                    "generation": result.generation,
                    "took_ms": round(result.took_ms, 2),
                    "hits": [
                        {
                            "article_id": h.article_id,
                            "title": h.title,
                            "heading": h.heading,
                            "url": h.deep_link,
                            "score": round(h.score, 4),
                            "text": h.text,
                            "start": h.start,
                            "end": h.end,
                        }
                        for h in result.hits
                    ],
                }
            )
        )
        return
    if not result.results:
        print("no matching articles")
    for rank, article in enumerate(result.results, start=1):
        best = article.best
        published = f", {best.published.isoformat()}" if best.published else ""
        print(f"{rank}. {best.title}{published}  [{article.score:.3f}]")
        for hit in article.passages:
            print(f"   § {hit.heading or '(introduction)'}  {hit.deep_link or ''}")
            print(f"     {_excerpt(hit.text)}")
        print()


def _excerpt(text: str, limit: int = 240) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
