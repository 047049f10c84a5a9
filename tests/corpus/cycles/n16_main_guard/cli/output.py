def echo(msg):
    print(msg)


def main():
    echo("main")


if __name__ == "__main__":
    from cli.commands import run

    run("demo")
