{
  "targets": [
    {
      "target_name": "iocp_tcp",
      "sources": [
        "src-native/addon.cc",
        "src-native/engine.cc",
        "src-native/backends.cc",
        "src-native/socket_posix.cc",
        "src-native/backend_uring.cc",
        "src-native/backend_epoll.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-missing-field-initializers", "-O2"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17"],
      "conditions": [
        ["OS=='linux'", {
          "libraries": ["-Wl,-Bstatic", "-luring", "-Wl,-Bdynamic"],
          "ldflags": ["-static-libstdc++", "-static-libgcc"]
        }]
      ]
    }
  ]
}
