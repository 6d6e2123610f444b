#!/usr/bin/env python3
"""Drive `emvsim lab serve` from a test rig: Python 3 standard library only.

The server speaks JSON lines over TCP (docs/lab.md): one request object per
line, one answer per line. This client lists the plan, then for each chosen
case selects it, inserts the card, waits for the terminal, fetches the
verdict and removes the card.

    emvsim lab serve --port 7000 --reader-slot 1        # or --in-process
    python3 examples/lab-client/client.py --port 7000 --plan contact-terminal --case cvm-offline-pin-ok
"""
import argparse
import json
import socket
import sys


class LabClient:
    def __init__(self, host: str, port: int, timeout: float = 120.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.reader = self.sock.makefile("r", encoding="utf-8")
        self.next_id = 1

    def request(self, op: str, **fields):
        message = {"id": self.next_id, "op": op, **fields}
        self.next_id += 1
        self.sock.sendall((json.dumps(message) + "\n").encode("utf-8"))
        line = self.reader.readline()
        if not line:
            raise ConnectionError("the lab server closed the connection")
        answer = json.loads(line)
        if not answer.get("ok"):
            error = answer.get("error", {})
            raise RuntimeError(f"{op}: {error.get('field')}: {error.get('message')}")
        return answer

    def close(self):
        self.reader.close()
        self.sock.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--plan", default="contact-terminal")
    parser.add_argument("--case", action="append", help="case id (repeatable; default: the first three)")
    parser.add_argument("--timeout-ms", type=int, default=30000)
    args = parser.parse_args()

    client = LabClient(args.host, args.port)
    try:
        plans = client.request("list", plan=args.plan)["plans"]
        cases = [c["id"] for c in plans[0]["cases"]]
        print(f"plan {args.plan}: {len(cases)} cases")
        failed = 0
        for case_id in args.case or cases[:3]:
            selected = client.request("select", plan=args.plan, case=case_id)["selected"]
            runs = selected["runs"]
            tx = selected["transaction"]
            print(f"{case_id}: amount {tx['amount']}, PIN {' then '.join(tx['pin']) or '-'}, {runs} run(s)")
            verdict = None
            for _ in range(runs):
                inserted = client.request("insert")
                print(f"  card in {inserted['reader']}, issuer host {inserted['host']}")
                client.request("wait", timeoutMs=args.timeout_ms)
                verdict = client.request("verdict")
            print(f"  verdict: {verdict['verdict']}{' - ' + verdict['reason'] if verdict.get('reason') else ''}")
            for finding in verdict.get("findings", []):
                fault = f"[{finding['fault']}] " if finding.get("fault") else ""
                print(f"    {fault}{finding['rule']}: expected {finding['expected']}, seen {finding['seen']}")
            client.request("remove")
            failed += verdict["verdict"] != "pass"
        return 1 if failed else 0
    finally:
        client.close()


if __name__ == "__main__":
    sys.exit(main())
