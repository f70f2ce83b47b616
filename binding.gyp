{
  "targets": [
    {
      "target_name": "iocp_tcp",
      "variables": {"has_liburing": "<!(node src-native/probe-liburing.js)"},
      "sources": [
        "src-native/addon.cc",
        "src-native/backend_epoll.cc",
        "src-native/backend_iocp.cc",
        "src-native/backend_uring.cc",
        "src-native/backends.cc",
        "src-native/console.cc",
        "src-native/delivery.cc",
        "src-native/engine.cc",
        "src-native/inline_driver.cc",
        "src-native/inline_driver_iocp.cc",
        "src-native/inline_driver_uv.cc",
        "src-native/socket.cc",
        "src-native/tls.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "conditions": [
        ["OS=='linux' and has_liburing=='static'", {
          "defines": ["IOCP_TCP_HAVE_LIBURING"],
          "libraries": ["-Wl,-Bstatic", "-luring", "-Wl,-Bdynamic"]
        }],
        ["OS=='linux' and has_liburing=='shared'", {
          "defines": ["IOCP_TCP_HAVE_LIBURING"],
          "libraries": ["-luring"]
        }],
        ["OS=='linux'", {
          "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-missing-field-initializers", "-O2"],
          "cflags_cc!": ["-fno-exceptions", "-std=gnu++1y", "-std=gnu++17"],
          "ldflags": ["-static-libstdc++", "-static-libgcc"],
          "libraries": ["-ldl"]
        }],
        ["OS=='win'", {
          "defines": ["_WIN32_WINNT=0x0A00", "WIN32_LEAN_AND_MEAN", "NOMINMAX"],
          "libraries": ["ws2_32.lib", "mswsock.lib", "advapi32.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "AdditionalOptions": ["/std:c++17"],
              "RuntimeLibrary": 0
            }
          }
        }]
      ]
    }
  ]
}
