// greeter is a tiny HTTP service: the app that lab 4 packages.
//
//	greeter              serve on :8080
//	greeter -selfcheck   serve on a loopback port, request /, print the answer, exit
//
// The self-check lets the smoke test prove that the image still serves HTTP
// even in a container with no network and no shell or curl to call it with.
package main

import (
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
)

func hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, "hello from slimlab")
}

// caCertificates says whether the system trust store is there: without it,
// any HTTPS call the service makes would fail.
func caCertificates() string {
	pool, err := x509.SystemCertPool()
	//lint:ignore SA1019 Subjects is fine for counting the Linux system roots.
	if err != nil || len(pool.Subjects()) == 0 {
		return "missing"
	}
	return "present"
}

func selfcheck() error {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(listener, http.HandlerFunc(hello))
	response, err := http.Get("http://" + listener.Addr().String() + "/")
	if err != nil {
		return err
	}
	defer response.Body.Close()
	body, err := io.ReadAll(response.Body)
	if err != nil {
		return err
	}
	fmt.Printf("GET / -> %d %s\n", response.StatusCode, strings.TrimSpace(string(body)))
	fmt.Printf("ca-certificates: %s\n", caCertificates())
	return nil
}

func main() {
	check := flag.Bool("selfcheck", false, "serve on loopback, request /, print the answer and exit")
	addr := flag.String("addr", ":8080", "address to listen on")
	flag.Parse()
	if *check {
		if err := selfcheck(); err != nil {
			fmt.Fprintln(os.Stderr, "selfcheck failed:", err)
			os.Exit(1)
		}
		return
	}
	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(hello)))
}
