module github.com/sandik-dev/sandik

go 1.26
