#!/usr/bin/env python3
"""infra/sam_translate.py — transform a SAM template to plain CloudFormation, offline.

Usage: infra/sam_translate.py TEMPLATE.yaml OUT.json [--region REGION]

What CloudFormation's AWS::Serverless-2016-10-31 transform would do at deploy time, done here
with aws-sam-translator so the generated resources (roles, permissions, routes, schedules) can
be linted before anything is deployed. Offline on purpose:
  * managed policy names are resolved from the map bundled with the translator, not from IAM;
  * local CodeUri values ("." with BuildMethod: makefile) become a placeholder s3:// URI, as
    `sam package` would make them, because the translator only accepts S3 locations;
  * the region comes from AWS_DEFAULT_REGION (the translator reads it for ARNs and partitions).
The transformed template is written as JSON; exit status 1 on any transform error.
"""

import argparse
import json
import os
import sys

PLACEHOLDER_URI = "s3://bucket/key"


class BundledManagedPolicyLoader:
    """The ManagedPolicyLoader interface (load() -> {name: arn}) without an IAM client."""

    def __init__(self, partition):
        self._partition = partition

    def load(self):
        from samtranslator.internal.managed_policies import get_bundled_managed_policy_map

        policies = get_bundled_managed_policy_map(self._partition)
        if policies is None:
            raise RuntimeError(f"no bundled managed policy map for partition {self._partition!r}")
        return policies


def load_template(path):
    """Parse YAML or JSON with CloudFormation short tags (!Ref, !Sub, !GetAtt ...)."""
    from samtranslator.yaml_helper import yaml_parse

    with open(path, encoding="utf-8") as f:
        return yaml_parse(f.read())


def placeholder_code_uris(template):
    """Replace local code locations by PLACEHOLDER_URI; returns the logical ids changed."""
    changed = []
    for name, res in (template.get("Resources") or {}).items():
        if not isinstance(res, dict) or res.get("Type") != "AWS::Serverless::Function":
            continue
        props = res.setdefault("Properties", {})
        if props.get("PackageType") == "Image":
            continue
        uri = props.get("CodeUri")
        if isinstance(uri, str) and uri.startswith("s3://"):
            continue
        if isinstance(uri, dict) and "Bucket" in uri:
            continue
        props["CodeUri"] = PLACEHOLDER_URI
        changed.append(name)
    return changed


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("template")
    ap.add_argument("out")
    ap.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1")
    args = ap.parse_args(argv)

    # Must be set before the translator builds ARNs; it never calls AWS.
    os.environ["AWS_DEFAULT_REGION"] = args.region

    from samtranslator.model.exceptions import InvalidDocumentException
    from samtranslator.translator.arn_generator import ArnGenerator
    from samtranslator.translator.transform import transform

    template = load_template(args.template)
    placeholder_code_uris(template)
    partition = ArnGenerator.get_partition_name(args.region)
    try:
        out = transform(template, {}, BundledManagedPolicyLoader(partition))
    except InvalidDocumentException as e:
        for cause in e.causes:
            print(f"sam-translate: {args.template}: {cause.message}", file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
