# net.bash - loopback ports for the servers the tests and benchmarks start
# (sourced by common.bash, postfix.bash and slapd.bash).
#
# free_port       prints a TCP port on 127.0.0.1 that nobody listens on now.
# wait_port PORT  waits until something listens on 127.0.0.1:PORT (10 s at
#                 most); fails after that.

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_port() {
	local i
	for i in $(seq 1 100); do
		python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1).close()' \
			"$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
