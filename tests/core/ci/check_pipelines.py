#!/usr/bin/env python3
"""Checks the example pipelines in packaging/ci with real parsers.

usage: check_pipelines.py PACKAGING_CI_DIR ACCELCTL

- github-actions.yml and gitlab-ci.yml parse as YAML (PyYAML) and have the structure each
  system requires (jobs/runs-on/steps; stages/script/artifacts:reports).
- every `accelctl report --format X` they (and the Jenkinsfile) use names a format that the
  built accelctl accepts.
- Jenkinsfile: brackets balance outside strings and comments; it uses the junit step.
- run-suite.sh passes `bash -n`; suite.json is JSON with a name and tasks with id and argv.
Exit code 0 = all good, 1 = a check failed.
"""
import json
import re
import subprocess
import sys

import yaml

errors = []


def check(condition, message):
    if not condition:
        errors.append(message)


def formats_used(text):
    return re.findall(r"accelctl\}?\s+report\s+[^\n]*?--format[ =]([a-z-]+)", text, re.IGNORECASE)


def main():
    ci_dir, accelctl = sys.argv[1], sys.argv[2]
    # An unknown format makes accelctl list the real ones on one line.
    probe = subprocess.run([accelctl, "report", "--input", "-", "--format", "?"], capture_output=True, text=True)
    check(probe.returncode == 2, "accelctl report with an unknown format must exit 2")
    known = set(re.search(r"expected one of: ([a-z, -]+)", probe.stderr).group(1).replace(" ", "").split(","))
    check({"junit", "github", "gitlab-junit", "gitlab-metrics", "jenkins", "summary"} <= known,
          "accelctl report --help does not list every format: %s" % sorted(known))

    def check_formats(name, text, required):
        used = formats_used(text)
        check(used, "%s: no accelctl report --format" % name)
        for f in used:
            check(f in known, "%s: unknown format %s" % (name, f))
        for f in required:
            check(f in used, "%s: does not use --format %s" % (name, f))

    # GitHub Actions
    with open(ci_dir + "/github-actions.yml", encoding="utf-8") as f:
        text = f.read()
    gh = yaml.safe_load(text)
    check(isinstance(gh, dict), "github: not a mapping")
    # PyYAML (YAML 1.1) reads the key `on` as the boolean True.
    check("on" in gh or True in gh, "github: no 'on' trigger")
    jobs = gh.get("jobs", {})
    check(isinstance(jobs, dict) and jobs, "github: no jobs")
    for name, job in jobs.items():
        check("runs-on" in job, "github: job %s has no runs-on" % name)
        steps = job.get("steps", [])
        check(steps, "github: job %s has no steps" % name)
        for i, step in enumerate(steps):
            check(("run" in step) != ("uses" in step), "github: %s step %d needs exactly one of run/uses" % (name, i))
        report = [s for s in steps if "--format github" in s.get("run", "")]
        check(report and "always()" in str(report[0].get("if", "")),
              "github: the report step must run with if: always()")
    check_formats("github-actions.yml", text, ["github"])

    # GitLab CI
    with open(ci_dir + "/gitlab-ci.yml", encoding="utf-8") as f:
        text = f.read()
    gl = yaml.safe_load(text)
    reserved = {"stages", "variables", "default", "include", "workflow", "image", "services", "cache"}
    jobs = {k: v for k, v in gl.items() if k not in reserved and not k.startswith(".")}
    check(jobs, "gitlab: no jobs")
    for name, job in jobs.items():
        check(isinstance(job.get("script"), list) and job["script"], "gitlab: job %s has no script" % name)
        check(job.get("stage") in gl.get("stages", []), "gitlab: job %s has an undeclared stage" % name)
        artifacts = job.get("artifacts", {})
        reports = artifacts.get("reports", {})
        check(artifacts.get("when") == "always", "gitlab: artifacts must be kept when tests fail")
        check("junit" in reports and "metrics" in reports, "gitlab: job %s lacks junit/metrics reports" % name)
        script = "\n".join(str(line) for line in job.get("script") or [])
        for kind in ("junit", "metrics"):
            check(reports.get(kind) in script, "gitlab: reports:%s file is never written" % kind)
    check_formats("gitlab-ci.yml", text, ["gitlab-junit", "gitlab-metrics"])

    # Jenkinsfile (Groovy): no parser here, so a bracket balance outside strings and comments.
    with open(ci_dir + "/Jenkinsfile", encoding="utf-8") as f:
        text = f.read()
    stack = []
    pairs = {")": "(", "]": "[", "}": "{"}
    i = 0
    while i < len(text):
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        if text.startswith("'''", i) or text.startswith('"""', i):
            end = text.find(text[i:i + 3], i + 3)
            check(end >= 0, "Jenkinsfile: unterminated triple-quoted string")
            i = len(text) if end < 0 else end + 3
            continue
        if c in "'\"":
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            check(j < len(text), "Jenkinsfile: unterminated string")
            i = j + 1
            continue
        if c in "([{":
            stack.append(c)
        elif c in ")]}":
            check(stack and stack[-1] == pairs[c], "Jenkinsfile: unbalanced %s at offset %d" % (c, i))
            if stack:
                stack.pop()
        i += 1
    check(not stack, "Jenkinsfile: unclosed %s" % "".join(stack))
    check(re.search(r"\bjunit\s+testResults:", text), "Jenkinsfile: no junit step")
    check_formats("Jenkinsfile", text, ["jenkins"])

    # The helper script and the example suite.
    check(subprocess.run(["bash", "-n", ci_dir + "/run-suite.sh"]).returncode == 0, "run-suite.sh: bash -n failed")
    with open(ci_dir + "/suite.json", encoding="utf-8") as f:
        suite = json.load(f)
    check(suite.get("name"), "suite.json: no name")
    check(suite.get("tasks"), "suite.json: no tasks")
    for t in suite.get("tasks", []):
        check(t.get("id") and isinstance(t.get("argv"), list) and t["argv"], "suite.json: task without id/argv")

    for e in errors:
        print("FAIL:", e)
    print("checked github-actions.yml, gitlab-ci.yml, Jenkinsfile, run-suite.sh, suite.json: %d problems" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
