package main

import (
	"net/http/httptest"
	"testing"
)

func TestHelloAnswersEveryPath(t *testing.T) {
	for _, path := range []string{"/", "/health"} {
		recorder := httptest.NewRecorder()
		hello(recorder, httptest.NewRequest("GET", path, nil))
		if got := recorder.Body.String(); got != "hello from slimlab\n" {
			t.Errorf("GET %s answered %q", path, got)
		}
	}
}
