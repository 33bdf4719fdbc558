"""The LangChain side of bench/latency.py, run in bench/.venv-langchain as a subprocess.

A plain LangChain retriever over the same article with the same packaged model: TextLoader,
RecursiveCharacterTextSplitter (1000 characters, like the library's passage cap), HuggingFaceEmbeddings,
FAISS. Protocol: one JSON line on stdout when ready ({"ready": ...}); then for each question line on
stdin, one JSON line with the time of `similarity_search(q, k=3)` and of `embed_query(q)` alone,
measured inside this process so that the pipe does not count.
"""

import json
import os
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def main() -> int:
    article, model_path = sys.argv[1], sys.argv[2]
    t0 = time.perf_counter()
    from langchain_community.document_loaders import TextLoader
    from langchain_community.vectorstores import FAISS
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    t1 = time.perf_counter()
    docs = TextLoader(article, encoding="utf-8").load()
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=0).split_documents(docs)
    embeddings = HuggingFaceEmbeddings(
        model_name=model_path, model_kwargs={"device": "cpu"}, encode_kwargs={"normalize_embeddings": True}
    )
    store = FAISS.from_documents(chunks, embeddings)
    t2 = time.perf_counter()
    store.similarity_search("warm up", k=3)
    import langchain_community
    import langchain_huggingface  # noqa: F401

    print(json.dumps({"ready": True, "chunks": len(chunks), "import_s": t1 - t0, "build_s": t2 - t1,
                      "langchain_community": getattr(langchain_community, "__version__", "?")}), flush=True)
    for line in sys.stdin:
        msg = json.loads(line)
        q = msg["q"]
        # The first call after waiting on stdin runs on cold caches: alternate which one goes first.
        for step in (("embed", "search") if msg.get("embed_first") else ("search", "embed")):
            s = time.perf_counter()
            if step == "search":
                hits = store.similarity_search(q, k=3)
                search_ms = (time.perf_counter() - s) * 1000
            else:
                embeddings.embed_query(q)
                embed_ms = (time.perf_counter() - s) * 1000
        print(json.dumps({"search_ms": search_ms, "embed_ms": embed_ms, "hits": len(hits)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
