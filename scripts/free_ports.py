"""Prints three numbers for starting the local chain: a free TCP port whose next port is free too
(the validator's JSON-RPC, its PubSub on the next), a free faucet port, and the start of a
100-port range for gossip, TPU and the validator's other ports that contains neither."""
import random
import socket


def free(port=0):
    s = socket.socket()
    s.bind(("127.0.0.1", port))
    p = s.getsockname()[1]
    s.close()
    return p


while True:
    rpc = free()
    try:
        free(rpc + 1)
        break
    except OSError:
        pass
faucet = free()
while True:
    base = random.randrange(20000, 29900, 100)
    if not any(base <= port <= base + 100 for port in (rpc, rpc + 1, faucet)):
        break
print(rpc, faucet, base)
