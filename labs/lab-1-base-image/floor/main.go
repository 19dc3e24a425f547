// hello is app/server.py ported to Go: the same answer from a static binary,
// to show the floor of image size when no interpreter has to ship.
//
//	hello              serve on :8000
//	hello -selfcheck   serve on a loopback port, request /, print the answer, exit
package main

import (
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
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "hello from slimlab")
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
	return nil
}

func main() {
	check := flag.Bool("selfcheck", false, "serve on loopback, request /, print the answer and exit")
	addr := flag.String("addr", ":8000", "address to listen on")
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
