# English texts. Keys must match km.ftl (a test checks).
