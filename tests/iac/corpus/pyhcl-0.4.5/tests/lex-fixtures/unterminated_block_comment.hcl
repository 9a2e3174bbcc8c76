/*
Foo
