"""A warm driver for the stages (run by conftest.run_stage through the .venv spark-submit, with
the shipped stage jars on its class path). One long-lived driver per test process: it answers
each request (inbox.py: job, args, env) by running that job's command in this JVM through
JobLauncher.run, as the job's main method does, with the exit code and what the run printed to
stdout and stderr (its log lines included: support.SparkDriver's log4j configuration lets the
console appender follow System.setErr)."""

import sys

from inbox import serve
from pyspark.sql import SparkSession

COMMANDS = {
    "bronze": "com.altaviz.etl.bronze.BronzeJob",
    "silver": "com.altaviz.etl.silver.SilverJob",
    "gold": "com.altaviz.etl.gold.GoldJob",
    "export": "com.altaviz.etl.export.ExportJob",
}


def run(spark, request: dict) -> dict:
    jvm = spark._jvm
    args = spark.sparkContext._gateway.new_array(jvm.java.lang.String, len(request["args"]))
    for i, a in enumerate(request["args"]):
        args[i] = a
    command = jvm
    for part in COMMANDS[request["job"]].split("."):
        command = getattr(command, part)
    if request["env"]:  # on top of the driver's environment, as a process would get it
        env = jvm.java.util.HashMap(jvm.System.getenv())
        for k, v in request["env"].items():
            env.put(k, v)
        command = command(env)  # ExportJob(Map): the one stage that reads its environment
    else:
        command = command()
    out, err = jvm.java.io.ByteArrayOutputStream(), jvm.java.io.ByteArrayOutputStream()
    stdout, stderr = jvm.System.out, jvm.System.err
    jvm.System.setOut(jvm.java.io.PrintStream(out, True, "UTF-8"))
    jvm.System.setErr(jvm.java.io.PrintStream(err, True, "UTF-8"))
    try:
        code = jvm.com.altaviz.etl.common.JobLauncher.run(command, args)
    finally:
        jvm.System.setOut(stdout)
        jvm.System.setErr(stderr)
    return {"returncode": code, "stdout": out.toString("UTF-8"), "stderr": err.toString("UTF-8")}


def main(inbox: str) -> None:
    spark = SparkSession.builder.appName("altaviz-test-stages").getOrCreate()
    serve(inbox, lambda request: run(spark, request))
    spark.stop()


if __name__ == "__main__":
    main(sys.argv[1])
