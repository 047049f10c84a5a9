from cli.output import echo


def run(name):
    echo(f"running {name}")


if __name__ == "__main__":
    from cli.output import main

    main()
