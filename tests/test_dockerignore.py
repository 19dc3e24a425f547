"""checks.model.dockerignore: a .dockerignore keeps out what BuildKit keeps out, and lets back in what it lets in."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.model.dockerignore import context_files, ignore_file, ignored, parse


def out(text: str, *paths: str) -> list[bool]:
    patterns = parse(text)
    return [ignored(path, patterns) for path in paths]


def test_nothing_is_ignored_without_patterns():
    assert out("", "app.py", "app/main.go") == [False, False]


def test_comments_and_blank_lines_are_no_patterns():
    assert parse("# a comment\n\n   \n*.md\n") == parse("*.md")


def test_a_hash_inside_a_line_is_part_of_the_pattern():
    assert out("a#b\n", "a#b", "a") == [True, False]


def test_a_star_stays_within_one_path_segment():
    assert out("*.md", "README.md", "docs/README.md") == [True, False]


def test_a_pattern_that_matches_a_folder_ignores_everything_under_it():
    assert out("*", "app.py", "app/tests/test_app.py") == [True, True]
    assert out("app", "app/main.go", "application.go") == [True, False]


def test_a_double_star_matches_any_number_of_folders_none_included():
    assert out("**/*.md", "README.md", "docs/README.md", "a/b/c.md", "a.mdx") == [True, True, True, False]
    assert out("docs/**", "docs/a/b.txt", "docsx/a") == [True, False]
    assert out("a/**/z", "a/z", "a/b/c/z", "b/z") == [True, True, False]


def test_a_question_mark_is_one_character_but_never_a_slash():
    assert out("file?.txt", "file1.txt", "file10.txt", "file/.txt") == [True, False, False]


def test_an_exception_lets_a_path_back_in_and_a_later_pattern_wins():
    text = "*\n!app\napp/*.md\n"
    assert out(text, "lab.toml", "app/main.go", "app/NOTES.md", "app/docs/x.md") == [True, False, True, False]


def test_an_exception_lets_one_file_of_an_ignored_folder_back_in():
    assert out("app\n!app/keep.txt\n", "app/keep.txt", "app/other.txt") == [False, True]


def test_an_exception_before_the_pattern_it_should_undo_does_nothing():
    assert out("!app\n*\n", "app/main.go") == [True]


def test_a_leading_slash_a_dot_and_doubled_slashes_mean_nothing():
    assert parse("/app\n./app/\napp//x\n!/keep") == parse("app\napp\napp/x\n!keep")


def test_regular_expression_characters_are_literal():
    assert out("a+b.(x)", "a+b.(x)", "aab.(x)", "a+bx(x)") == [True, False, False]


def test_a_backslash_escapes_the_next_character():
    assert out("\\*.txt", "*.txt", "a.txt") == [True, False]


def test_a_lone_exclamation_mark_is_refused_as_buildkit_refuses_it():
    with pytest.raises(ValueError, match="'!' alone"):
        parse("*\n!\n")


def test_a_dockerfiles_own_ignore_file_wins_over_the_contexts(tmp_path: Path):
    (tmp_path / "app").mkdir()
    dockerfile = tmp_path / "after.Dockerfile"
    assert ignore_file(dockerfile, tmp_path / "app") is None
    (tmp_path / "app" / ".dockerignore").write_text("*\n")
    assert ignore_file(dockerfile, tmp_path / "app") == tmp_path / "app" / ".dockerignore"
    (tmp_path / "after.Dockerfile.dockerignore").write_text("*\n")
    assert ignore_file(dockerfile, tmp_path / "app") == tmp_path / "after.Dockerfile.dockerignore"


def test_the_context_files_are_those_the_patterns_let_in(tmp_path: Path):
    for name in ("app.py", "requirements.txt", ".env", "tests/test_app.py", ".git/HEAD"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    kept = context_files(tmp_path, parse("*\n!app.py\n!requirements.txt\n"))
    assert [p.relative_to(tmp_path).as_posix() for p in kept] == ["app.py", "requirements.txt"]
    assert len(context_files(tmp_path, ())) == 5
