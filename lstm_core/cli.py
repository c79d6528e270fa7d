"""python -m lstm_core: train one run and print the seed page as a terminal trace (or --json)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from lstm_core.config import FIELDS, ConfigError, LSTMConfig

OPTIONS = ("sequences", "timesteps", "features", "units", "epochs", "batch_size", "learning_rate", "seed")


def option(name: str) -> str:
    return "--" + name.replace("_", "-")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line on stderr and status 2, never usage spam
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m lstm_core", description=__doc__)
    for name in OPTIONS:
        spec = FIELDS[name]
        default = getattr(LSTMConfig(), name)
        parser.add_argument(option(name), dest=name, default=None, metavar=spec.kind.__name__.upper(),
                            help=f"{spec.help} Allowed {spec.allowed}; default {default}.")
    parser.add_argument("--sample", type=str, default="0", help="Which sequence to trace (default 0).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of the text trace.")
    parser.add_argument("--save-model", metavar="PATH", help="Write the trained model to PATH (a .keras file).")
    parser.add_argument("--csv", metavar="PATH", help="Train on your own series: a CSV, one row per time step.")
    parser.add_argument("--target", metavar="NAME", help="With --csv: the column whose next move is the label "
                        "(default: the first numeric column that both rises and falls). With --csv, --features takes column names: NAME,NAME.")
    parser.add_argument("--changes", action=argparse.BooleanOptionalAction, default=None,
                        help="With --csv: also feed each column's change from the row before (the default, as in the app); "
                        "--no-changes feeds the levels only.")
    return parser


def config_from_args(args: argparse.Namespace) -> LSTMConfig:
    """Raises ConfigError naming the field; main() turns it into the option's name.

    With --csv, --features names columns instead of counting synthetic features.
    """
    if args.csv is None:
        return LSTMConfig.from_values({n: getattr(args, n) for n in OPTIONS if getattr(args, n) is not None})
    from lstm_core.csvdata import FILE_SETS, config_for_file

    if args.sequences is not None:
        raise ConfigError("sequences", args.sequences, "no value with --csv",
                          "with --csv the file's rows set the number of sequences; leave out --sequences.")
    return config_for_file({n: getattr(args, n) for n in OPTIONS if getattr(args, n) is not None and n not in FILE_SETS})


def check_save_path(raw: str) -> Path:
    path = Path(raw)
    if path.suffix != ".keras":
        raise ValueError(f"--save-model: {raw!r} must end in .keras")
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not parent.is_dir() or not os.access(parent, os.W_OK):
        raise ValueError(f"--save-model: cannot write {raw!r}; give a writable path ending in .keras")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.csv is not None and not args.csv.strip():
        parser.error("--csv: the path is empty; give the path of a CSV file")
    try:
        config = config_from_args(args)
        save_path = check_save_path(args.save_model) if args.save_model else None
    except ConfigError as err:
        name = option(err.field) if err.field in OPTIONS else err.field
        parser.error(f"{name}: {err}")
    except ValueError as err:
        parser.error(str(err))

    dataset = None
    if args.csv is not None:
        dataset, config = _csv_dataset(parser, args, config)
    elif args.target is not None or args.changes is not None:
        parser.error(f"{'--target' if args.target is not None else '--changes or --no-changes'} goes with --csv")
    sample = _checked_sample(parser, args.sample, config)

    from lstm_core.report import build_report, format_text  # TensorFlow loads here, after the checks
    from lstm_core.train import finish, train

    run = finish(train(config, dataset=dataset))
    report = build_report(run, sample)
    if save_path is not None:
        try:
            save_path.write_bytes(run.keras_bytes)
        except OSError as err:
            parser.error(f"--save-model: cannot write {str(save_path)!r} ({err.strerror or err})")
        report["saved_model"] = str(save_path)
    print(json.dumps(report, allow_nan=False) if args.json else format_text(report))
    return 0


def _csv_dataset(parser: argparse.ArgumentParser, args: argparse.Namespace, config: LSTMConfig):
    from lstm_core.csvdata import MAX_BYTES, CSVError, default_target, make_csv_dataset, parse_csv

    try:
        with open(args.csv, "rb") as file:
            data = file.read(MAX_BYTES + 1)  # parse_csv refuses more than MAX_BYTES: never read a whole big file
    except OSError as err:
        parser.error(f"--csv: cannot read {args.csv!r} ({err.strerror or err})")
    try:
        table = parse_csv(data)
        target = default_target(table) if args.target is None else args.target  # --target "" is named, not ignored
        features = [f.strip() for f in args.features.split(",") if f.strip()] if args.features else []
        dataset, config, _ = make_csv_dataset(table, target, features, config, name=Path(args.csv).name,
                                              changes=args.changes is not False)
    except CSVError as err:
        parser.error(f"--csv: {err}")
    except ConfigError as err:
        parser.error(f"--csv: with this file, {err}")
    return dataset, config


def _checked_sample(parser: argparse.ArgumentParser, raw: str, config: LSTMConfig) -> int:
    try:
        return _sample_index(raw, config)
    except ValueError as err:
        parser.error(str(err))


def _sample_index(raw: str, config: LSTMConfig) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value < config.sequences:
        raise ValueError(f"--sample: {raw!r} is not allowed; give a whole number from 0 to {config.sequences - 1}")
    return value


if __name__ == "__main__":
    sys.exit(main())
