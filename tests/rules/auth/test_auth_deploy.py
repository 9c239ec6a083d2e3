"""REL511-REL516 on deploy configuration of every supported kind, through the executable."""

from __future__ import annotations

import json
from pathlib import Path

from auth_trees import check_tree, codes_by_place, write_tree

from reliability_lint.testing import check_text, fix_text

OPEN_FUNCTION = '''
    import functions_framework
    from google.cloud import bigquery

    @functions_framework.http
    def export_warehouse(request):
        bigquery.Client().extract_table("p.d.t", "gs://b/t-*.csv")
        return "ok"
'''
CHECKED_FUNCTION = '''
    import functions_framework
    from google.oauth2 import id_token
    from google.auth.transport import requests

    def export_warehouse(request):
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            id_token.verify_oauth2_token(token, requests.Request(), "aud")
        except ValueError:
            return "no", 403
        return "ok"
'''
SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"  # a well-known Stripe test-docs key shape


def test_shell_script_continuations_variables_loops_and_quoting(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "deploy/deploy.sh": '''
            #!/usr/bin/env bash
            set -euo pipefail
            REGION="europe-west1"
            PUBLIC_FLAGS="--region=$REGION --allow-unauthenticated"
            gcloud run deploy api \\
              --image "gcr.io/p/api:latest" \\
              $PUBLIC_FLAGS
            for job in nightly hourly; do
              gcloud scheduler jobs create http "$job" --schedule "0 * * * *" \\
                --uri "https://api.run.app/$job"
            done
            gcloud scheduler jobs create http weekly --uri https://x --oidc-service-account-email sa@p.iam.gserviceaccount.com
            gcloud scheduler jobs create http sync --uri https://x --oauth-service-account-email=sa@p.iam.gserviceaccount.com
            gcloud run deploy private --image img --no-allow-unauthenticated
            gcloud run deploy flipped --image img --allow-unauthenticated --no-allow-unauthenticated
            gcloud scheduler jobs create http unknown --uri https://x $AUTH_FLAGS
            echo "gcloud run deploy x --allow-unauthenticated"
            # gcloud run deploy commented --allow-unauthenticated
            gcloud beta pubsub subscriptions create push-sub --topic=t --push-endpoint="https://x.run.app/push" \\
              --dead-letter-topic=dlq
            gcloud pubsub subscriptions create pull-sub --topic=t
            gcloud pubsub subscriptions create authed --topic t --push-endpoint https://x --push-auth-service-account sa@p --dead-letter-topic d
        ''',
    })  # fmt: skip
    found = codes_by_place(check_tree(root), root)
    assert found == {
        ("REL511", "deploy/deploy.sh", 5),
        ("REL512", "deploy/deploy.sh", 9),
        ("REL513", "deploy/deploy.sh", 19),
        ("REL516", "deploy/deploy.sh", 21),
    }  # fmt: skip


def test_public_deploy_of_a_function_that_checks_nothing_is_rel515(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "functions/export/main.py": OPEN_FUNCTION,
        "functions/checked/main.py": CHECKED_FUNCTION,
        "Makefile": '''
            REGION ?= europe-west1
            FLAGS := --region=$(REGION) --runtime=python311 --trigger-http

            deploy:
            \tgcloud functions deploy export_warehouse --source=functions/export $(FLAGS) --allow-unauthenticated
            \t@gcloud functions deploy checked --entry-point=export_warehouse --source=functions/checked $(FLAGS) --allow-unauthenticated
        ''',
    })  # fmt: skip
    findings = check_tree(root)
    assert codes_by_place(findings, root) == {
        ("REL515", "Makefile", 5), ("REL511", "Makefile", 6), ("REL501", "functions/export/main.py", 5),
    }  # fmt: skip
    rel515 = next(f for f in findings if f["code"] == "REL515")
    assert "functions/export/main.py:5" in rel515["message"]


def test_cloud_run_source_folder_with_an_open_route_is_rel515(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        ".git/HEAD": "ref: refs/heads/main\n",
        "services/coordinator/app.py": '''
            from flask import Flask
            app = Flask(__name__)

            @app.post("/trigger")
            def trigger():
                return "ok"
        ''',
        "services/coordinator/Dockerfile": '''
            FROM python:3.11
            ARG SERVICE=coordinator
            RUN pip install gcloud-sdk-placeholder && \\
                gcloud run deploy ${SERVICE} --source . --allow-unauthenticated
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {
        ("REL515", "services/coordinator/Dockerfile", 3), ("REL501", "services/coordinator/app.py", 5),
    }  # fmt: skip


def test_cloud_build_args_substitutions_and_bash_scripts(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "cloudbuild.yaml": '''
            substitutions:
              _SERVICE: api
              _AUTH: --allow-unauthenticated
            steps:
              - name: gcr.io/google.com/cloudsdktool/cloud-sdk
                entrypoint: gcloud
                args:
                  - run
                  - deploy
                  - ${_SERVICE}
                  - --image=gcr.io/$PROJECT_ID/api
                  - $_AUTH
              - name: gcr.io/google.com/cloudsdktool/cloud-sdk
                entrypoint: bash
                args:
                  - -c
                  - |
                    gcloud scheduler jobs create http refresh \\
                      --schedule="0 4 * * *" --uri="https://${_SERVICE}.run.app/refresh"
              - name: gcr.io/google.com/cloudsdktool/cloud-sdk
                entrypoint: gcloud
                args: [run, deploy, internal, --image=img, --no-allow-unauthenticated]
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {("REL511", "cloudbuild.yaml", 8), ("REL512", "cloudbuild.yaml", 18)}


def test_github_actions_gitlab_ci_and_markdown_runbooks(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        ".github/workflows/deploy.yml": '''
            on: push
            jobs:
              deploy:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: |
                      gcloud run deploy web --image img \\
                        --allow-unauthenticated
        ''',
        ".gitlab-ci.yml": '''
            deploy:
              script:
                - gcloud pubsub subscriptions create s --topic t --push-endpoint https://x --dead-letter-topic d
        ''',
        "docs/runbook.md": '''
            # Runbook

            ```python
            os.system("gcloud run deploy not-shell --allow-unauthenticated")
            ```

            ```console
            $ gcloud scheduler jobs create http replay --uri https://x/replay
            ```
        ''',
    })  # fmt: skip
    assert codes_by_place(check_tree(root), root) == {
        ("REL511", ".github/workflows/deploy.yml", 8),
        ("REL513", ".gitlab-ci.yml", 3),
        ("REL512", "docs/runbook.md", 8),
    }  # fmt: skip


def test_secret_in_env_vars_is_redacted_everywhere(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "deploy.sh": f'''
            gcloud run deploy worker --image img --no-allow-unauthenticated \\
              --set-env-vars "MODE=prod,STRIPE_API_KEY={SECRET},TIMEOUT=30"
            gcloud run services update worker --update-env-vars=^:^DB_PASSWORD=hunter2hunter2:REGION=eu
            gcloud run deploy ok --image img --no-allow-unauthenticated --set-env-vars API_KEY=$API_KEY,MODE=prod
        ''',
    })  # fmt: skip
    for output in ("json", "sarif", "text", "github"):
        from conftest import run_tool

        done = run_tool("check", "--no-cache", "--select", "REL514", "--output-format", output, ".", cwd=root)
        assert SECRET not in done.stdout + done.stderr and "hunter2hunter2" not in done.stdout
    findings = check_tree(root, select="REL514")
    assert codes_by_place(findings, root) == {("REL514", "deploy.sh", 2), ("REL514", "deploy.sh", 3)}
    message = next(f["message"] for f in findings if f["location"]["row"] == 2)
    assert "gcloud secrets create stripe-api-key" in message
    assert "--update-secrets=STRIPE_API_KEY=stripe-api-key:latest" in message
    assert json.dumps(findings).count("sk_l") >= 1  # the redacted form


def test_fix_turns_the_flag_into_no_allow_unauthenticated(tmp_path: Path) -> None:
    from conftest import run_tool

    root = write_tree(tmp_path, {
        "deploy.sh": "gcloud run deploy api \\\n  --image img \\\n  --allow-unauthenticated  # public on purpose?\n",
        "cloudbuild.yaml": "steps:\n- name: gcr.io/cloud-builders/gcloud\n  args: ['run', 'deploy', 'x', '--allow-unauthenticated']\n",
    })  # fmt: skip
    done = run_tool("fix", "--no-cache", "--unsafe-fixes", "--select", "REL511", ".", cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (root / "deploy.sh").read_text() == "gcloud run deploy api \\\n  --image img \\\n  --no-allow-unauthenticated  # public on purpose?\n"
    assert "'--no-allow-unauthenticated']" in (root / "cloudbuild.yaml").read_text()
    assert check_tree(root) == []
    before = {p: p.read_bytes() for p in root.iterdir() if p.is_file()}
    again = run_tool("fix", "--no-cache", "--unsafe-fixes", "--select", "REL511", ".", cwd=root)
    assert again.returncode == 0 and {p: p.read_bytes() for p in before} == before


def test_flag_from_a_variable_is_reported_without_a_fix() -> None:
    script = 'FLAGS="--allow-unauthenticated"\ngcloud run deploy api --image img $FLAGS\n'
    found = check_text(script, ["REL511"], path="deploy.sh")
    assert [(f.code, f.line, f.fix) for f in found] == [("REL511", 2, None)]
    assert fix_text(script, ["REL511"], path="deploy.sh") == script


def test_broken_yaml_with_gcloud_is_a_one_line_error_and_other_yaml_is_quiet() -> None:
    broken = "steps:\n  - args: [run, deploy\n    gcloud: x\n"
    found = check_text(broken, None, path="cloudbuild.yaml")  # REL000 is in the default selection
    assert [f.code for f in found] == ["REL000"]
    assert "cannot read the YAML" in found[0].message and "\n" not in found[0].message
    assert check_text("a: [b\n", ["REL511"], path="values.yaml") == []


def test_several_commands_on_one_line_and_yaml_aliases() -> None:
    script = 'gcloud config set project p && gcloud scheduler jobs create http j --uri https://x $AUTH; echo gcloud\n'
    assert check_text(script, ["REL512"], path="deploy.sh") == []  # $AUTH may hold the token flag
    script = 'gcloud config set project p && gcloud scheduler jobs create http j --uri https://x\n'
    assert [f.code for f in check_text(script, ["REL512"], path="deploy.sh")] == ["REL512"]
    # An alias bomb: each level doubles the tree, not the work.
    lines = ["a0: &a0 {run: 'gcloud run deploy x --image i --allow-unauthenticated'}"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 40)]
    found = check_text("\n".join(lines) + "\n", ["REL511"], path=".gitlab-ci.yml")
    assert [(f.code, f.line) for f in found] == [("REL511", 1)]
