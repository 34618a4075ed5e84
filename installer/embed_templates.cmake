# Writes a C++ file holding installer/templates/* as string literals so the installed clipgen
# needs no template files at run time. Called at configure time by installer/CMakeLists.txt.
function(clipgen_embed_templates out_file)
  set(dir ${CMAKE_CURRENT_SOURCE_DIR}/templates)
  set(body "// Generated from installer/templates by embed_templates.cmake; do not edit.\n")
  string(APPEND body "#include \"embedded_templates.h\"\n\nnamespace clipgen::service::embedded {\n")
  foreach(pair "kSystemdUnit=clipgend.service.in" "kLaunchdPlist=com.clipgen.clipgend.plist.in"
               "kTaskXml=ClipGen.task.xml.in")
    string(REPLACE "=" ";" pair "${pair}")
    list(GET pair 0 symbol)
    list(GET pair 1 file)
    file(READ ${dir}/${file} text)
    string(FIND "${text}" ")clipgen_template\"" clash)
    if(NOT clash EQUAL -1)
      message(FATAL_ERROR "${file} contains the raw-string delimiter")
    endif()
    string(APPEND body "const char* const ${symbol} = R\"clipgen_template(${text})clipgen_template\";\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${dir}/${file})
  endforeach()
  string(APPEND body "}  // namespace clipgen::service::embedded\n")
  # Write through a copy so an unchanged result keeps its timestamp (no needless rebuild).
  file(WRITE ${out_file}.new "${body}")
  configure_file(${out_file}.new ${out_file} COPYONLY)
endfunction()
