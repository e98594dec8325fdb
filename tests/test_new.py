"""`kb new`: a scaffold that passes `kb check` and never overwrites."""

from kb.report.parse import parse_report


def test_new_creates_a_report_that_checks(run, kb_tree):
    result = run(
        "new",
        "--title",
        "Japan: offshore wind",
        "--date",
        "2024-05-02",
        "--country",
        "JP",
        "--visit-start",
        "2024-04-28",
        "--visit-end",
        "2024-04-30",
        "--place",
        "Tokyo",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "reports/jp/2024-05-02-japan-offshore-wind.md"
    path = kb_tree / result.stdout.strip()
    parsed = parse_report(path)
    assert parsed.problems == []
    report = parsed.report
    assert (report.title, str(report.date), report.countries, report.visibility) == (
        "Japan: offshore wind",
        "2024-05-02",
        ("JP",),
        "internal",
    )
    assert str(report.visit.start) == "2024-04-28" and report.visit.places == ("Tokyo",)
    check = run("check", "--strict", str(path))
    assert check.exit_code == 0, check.output


def test_new_never_overwrites(run, kb_tree):
    args = ("new", "--title", "Same", "--date", "2024-05-02", "--country", "JP")
    assert run(*args).exit_code == 0
    path = kb_tree / "reports/jp/2024-05-02-same.md"
    path.write_text(path.read_text() + "\nMy precious notes.\n")
    again = run(*args)
    assert again.exit_code == 1
    assert again.stderr.strip() == (
        "reports/jp/2024-05-02-same.md: error: file already exists; not overwriting it "
        "(choose another title or date, or move the existing file)"
    )
    assert "My precious notes." in path.read_text()


def test_new_prompts_for_missing_values(run, kb_tree):
    result = run("new", input="Vietnam: science\n2024-01-05\nVN\n")
    assert result.exit_code == 0, result.output
    assert (kb_tree / "reports/vn/2024-01-05-vietnam-science.md").exists()


def test_new_rejects_bad_input_without_traceback(run):
    result = run("new", "--title", "X", "--date", "2024-02-30", "--country", "JP")
    assert result.exit_code == 2
    assert "'2024-02-30' is not a real date (February 2024 has 29 days)" in result.stderr
    result = run("new", "--title", "X", "--date", "2024-02-01", "--country", "JPN")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: 'JPN' is an alpha-3 code (use the two-letter code JP (Japan))"
    result = run(
        "new",
        "--title",
        "X",
        "--date",
        "2024-02-01",
        "--country",
        "JP",
        "--visit-start",
        "2024-01-05",
        "--visit-end",
        "2024-01-01",
    )
    assert result.exit_code == 2 and "ends (2024-01-01) before it starts" in result.stderr


def test_new_says_which_visibility_it_chose_and_how_to_change_it(run, kb_tree):
    internal = run("new", "--title", "Japan: hydrogen", "--date", "2024-05-02", "--country", "JP")
    assert internal.exit_code == 0, internal.output
    assert internal.stdout == "reports/jp/2024-05-02-japan-hydrogen.md\n"  # the path alone, for scripts
    assert internal.stderr == (
        "visibility: internal (staff only: not on the public site); "
        "to publish it, change the front-matter line to 'visibility: public'\n"
    )
    assert "visibility: internal\n" in (kb_tree / internal.stdout.strip()).read_text()
    public = run(
        "new", "--title", "Japan: ports", "--date", "2024-05-03", "--country", "JP", "--visibility", "public"
    )
    assert public.exit_code == 0, public.output
    assert public.stderr == (
        "visibility: public (published on the site by the next kb build); "
        "to keep it for staff only, change the front-matter line to 'visibility: internal'\n"
    )
    assert "visibility: public\n" in (kb_tree / public.stdout.strip()).read_text()
