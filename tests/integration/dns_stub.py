#!/usr/bin/env python3
"""A one-name DNS server for tests (RFC 1035 §4.1 messages over UDP).

Usage: dns_stub.py PORT NAME IPV4 [ON_FILE]
Answers A queries for NAME with IPV4 (TTL 0), any other type for NAME with no records
(NOERROR), and every other name with NXDOMAIN. Listens on 127.0.0.1:PORT until killed. With
ON_FILE, queries are dropped without an answer (as packets to a DNS Service that does not
exist yet are) until that file exists.
"""
import os
import socket
import struct
import sys


def parse_name(msg, off):
    labels = []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            return ".".join(labels).lower(), off
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n


def main():
    port, name, ip = int(sys.argv[1]), sys.argv[2].lower().rstrip("."), sys.argv[3]
    on_file = sys.argv[4] if len(sys.argv) > 4 else None
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", port))
    while True:
        msg, peer = sock.recvfrom(512)
        if len(msg) < 12 or (on_file and not os.path.exists(on_file)):
            continue
        qid, flags, qdcount = struct.unpack("!HHH", msg[:6])
        if qdcount != 1:
            continue
        qname, off = parse_name(msg, 12)
        qtype, _qclass = struct.unpack("!HH", msg[off:off + 4])
        question = msg[12:off + 4]
        rd = flags & 0x0100
        if qname != name:
            reply = struct.pack("!HHHHHH", qid, 0x8083 | rd, 1, 0, 0, 0) + question  # NXDOMAIN
        elif qtype == 1:
            answer = struct.pack("!HHHIH", 0xC00C, 1, 1, 0, 4) + socket.inet_aton(ip)
            reply = struct.pack("!HHHHHH", qid, 0x8080 | rd, 1, 1, 0, 0) + question + answer
        else:
            reply = struct.pack("!HHHHHH", qid, 0x8080 | rd, 1, 0, 0, 0) + question
        sock.sendto(reply, peer)


if __name__ == "__main__":
    main()
