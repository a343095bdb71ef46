#!/usr/bin/python
"""Write a results folder's report with stacklab's analysis package (run on the controller)."""

from __future__ import annotations

DOCUMENTATION = r"""
module: stacklab_report
short_description: Analyse a results folder and write report/report.html and report/tables.md
description:
  - Calls the C(stacklab) analysis package (installed in the controller's virtualenv) on
    I(results); only the folder's C(report/) is written, the samples are never changed.
  - "Run it on the controller (C(delegate_to: localhost)); in check mode nothing is written."
options:
  results: {description: The results folder (results/<run-id>)., type: path, required: true}
  axis: {description: The matrix axis of tables and plots (default - the label that varies most)., type: str}
  baseline: {description: Another results folder to compare against., type: path}
"""

EXAMPLES = r"""
- name: Report
  stacklab_report:
    results: "{{ playbook_dir }}/results/{{ run_id }}"
  delegate_to: localhost
"""

RETURN = r"""
report: {description: Path of report.html., type: str, returned: success}
tables_markdown: {description: The tables in Markdown (also written to report/tables.md)., type: str, returned: success}
problems: {description: What was wrong with the input (the rest was analysed)., type: list, returned: success}
"""

from pathlib import Path

from ansible.module_utils.basic import AnsibleModule


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "results": {"type": "path", "required": True},
            "axis": {"type": "str"},
            "baseline": {"type": "path"},
        },
        supports_check_mode=True,
    )
    try:
        from stacklab.analysis.report import analyse, write_report
        from stacklab.analysis.tables import to_markdown
    except ImportError as error:
        module.fail_json(
            msg=f"the stacklab analysis package is not importable by this Python ({error}); run `make venv`"
        )
    baseline = Path(module.params["baseline"]) if module.params["baseline"] else None
    try:
        analysis = analyse(Path(module.params["results"]), axis=module.params["axis"], baseline=baseline)
    except (FileNotFoundError, KeyError, ValueError) as error:
        module.fail_json(msg=str(error))
    markdown = to_markdown(analysis.tables) if analysis.tables else "(no samples to tabulate)\n"
    if module.check_mode:
        module.exit_json(changed=True, tables_markdown=markdown, problems=analysis.samples.problems)
    report = write_report(analysis)
    (report.parent / "tables.md").write_text(markdown, encoding="utf-8")
    module.exit_json(changed=True, report=str(report), tables_markdown=markdown, problems=analysis.samples.problems)


if __name__ == "__main__":
    main()
