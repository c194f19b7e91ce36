# Khmer texts. Keys must match en.ftl (a test checks).
