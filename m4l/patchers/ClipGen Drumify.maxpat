{
	"patcher": {
		"fileversion": 1,
		"appversion": {
			"major": 8,
			"minor": 5,
			"revision": 5,
			"architecture": "x64",
			"modernui": 1
		},
		"classnamespace": "box",
		"rect": [
			100,
			100,
			760,
			520
		],
		"openrect": [
			0,
			0,
			248,
			169
		],
		"bglocked": 0,
		"openinpresentation": 1,
		"default_fontsize": 10,
		"default_fontface": 0,
		"default_fontname": "Arial Bold",
		"gridonopen": 1,
		"gridsize": [
			8,
			8
		],
		"gridsnaponopen": 1,
		"objectsnaponopen": 1,
		"statusbarvisible": 2,
		"toolbarvisible": 1,
		"boxanimatetime": 500,
		"enablehscroll": 1,
		"enablevscroll": 1,
		"devicewidth": 248,
		"description": "ClipGen Drumify: turns the rhythm of the selected MIDI clip into drum beats and writes them into the empty Session slots below it. Needs the ClipGen service (clipgend).",
		"digest": "ClipGen Drumify",
		"tags": "clipgen magenta midi generative",
		"style": "",
		"subpatcher_template": "",
		"latency": 0,
		"is_mpe": 0,
		"platform_compatibility": 0,
		"autosave": 0,
		"boxes": [
			{
				"box": {
					"id": "obj-1",
					"maxclass": "newobj",
					"text": "midiin",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"patching_rect": [
						20,
						20,
						40,
						22
					]
				}
			},
			{
				"box": {
					"id": "obj-2",
					"maxclass": "newobj",
					"text": "midiout",
					"numinlets": 1,
					"numoutlets": 0,
					"patching_rect": [
						20,
						60,
						48,
						22
					]
				}
			},
			{
				"box": {
					"id": "obj-3",
					"maxclass": "newobj",
					"text": "live.thisdevice",
					"numinlets": 1,
					"numoutlets": 3,
					"outlettype": [
						"bang",
						"int",
						"int"
					],
					"patching_rect": [
						420,
						120,
						90,
						22
					]
				}
			},
			{
				"box": {
					"id": "obj-4",
					"maxclass": "message",
					"text": "init",
					"numinlets": 2,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						420,
						160,
						32,
						22
					]
				}
			},
			{
				"box": {
					"id": "obj-5",
					"maxclass": "newobj",
					"text": "js clipgen-max.js drumify",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"patching_rect": [
						420,
						320,
						200,
						22
					],
					"saved_object_attributes": {
						"filename": "clipgen-max.js",
						"parameter_enable": 0
					}
				}
			},
			{
				"box": {
					"id": "obj-6",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"parameter_enable": 1,
					"patching_rect": [
						149.23076923076923,
						120,
						44,
						48
					],
					"presentation": 1,
					"presentation_rect": [
						8,
						28,
						44,
						48
					],
					"annotation": "Randomness of the model: 0 plays it safe, 1 is the model as trained, 2 is wild.",
					"annotation_name": "Temperature",
					"varname": "Temperature",
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								1
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Temperature",
							"parameter_mmax": 2,
							"parameter_mmin": 0,
							"parameter_shortname": "Temp",
							"parameter_type": 0,
							"parameter_unitstyle": 1
						}
					}
				}
			},
			{
				"box": {
					"id": "obj-7",
					"maxclass": "newobj",
					"text": "prepend temperature",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						20,
						220,
						110,
						22
					]
				}
			},
			{
				"box": {
					"id": "obj-8",
					"maxclass": "live.dial",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						"float"
					],
					"parameter_enable": 1,
					"patching_rect": [
						206.9230769230769,
						120,
						44,
						48
					],
					"presentation": 1,
					"presentation_rect": [
						58,
						28,
						44,
						48
					],
					"annotation": "How many drum clips to make.",
					"annotation_name": "Variations",
					"varname": "Variations",
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_initial": [
								1
							],
							"parameter_initial_enable": 1,
							"parameter_longname": "Variations",
							"parameter_mmax": 8,
							"parameter_mmin": 1,
							"parameter_shortname": "Variations",
							"parameter_type": 1,
							"parameter_unitstyle": 0
						}
					}
				}
			},
			{
				"box": {
					"id": "obj-9",
					"maxclass": "newobj",
					"text": "prepend variations",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						150,
						220,
						110,
						22
					]
				}
			},
			{
				"box": {
					"id": "obj-10",
					"maxclass": "live.text",
					"numinlets": 1,
					"numoutlets": 2,
					"outlettype": [
						"",
						""
					],
					"parameter_enable": 1,
					"mode": 0,
					"text": "Drumify",
					"texton": "Drumify",
					"patching_rect": [
						20,
						230,
						80,
						20
					],
					"presentation": 1,
					"presentation_rect": [
						160,
						30,
						80,
						20
					],
					"annotation": "Send the selected clip to ClipGen and write the results into empty slots below. Existing clips are never replaced.",
					"annotation_name": "Drumify Button",
					"varname": "Drumify Button",
					"saved_attribute_attributes": {
						"valueof": {
							"parameter_enum": [
								"val1",
								"val2"
							],
							"parameter_invisible": 2,
							"parameter_longname": "Drumify Button",
							"parameter_mmax": 1,
							"parameter_shortname": "Drumify",
							"parameter_type": 2
						}
					}
				}
			},
			{
				"box": {
					"id": "obj-11",
					"maxclass": "newobj",
					"text": "prepend press",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						""
					],
					"patching_rect": [
						280,
						220,
						120,
						22
					]
				}
			},
			{
				"box": {
					"id": "obj-12",
					"maxclass": "comment",
					"text": "Select a MIDI clip (any rhythm), then press Drumify.",
					"numinlets": 1,
					"numoutlets": 0,
					"linecount": 5,
					"fontsize": 10,
					"patching_rect": [
						420,
						400,
						232,
						70
					],
					"presentation": 1,
					"presentation_rect": [
						8,
						82,
						232,
						80
					],
					"presentation_linecount": 5,
					"annotation": "What ClipGen is doing, what it wrote, or what to do next.",
					"annotation_name": "Status"
				}
			},
			{
				"box": {
					"id": "obj-13",
					"maxclass": "led",
					"numinlets": 1,
					"numoutlets": 1,
					"outlettype": [
						"int"
					],
					"parameter_enable": 0,
					"patching_rect": [
						640,
						400,
						24,
						24
					],
					"presentation": 1,
					"presentation_rect": [
						224,
						58,
						16,
						16
					],
					"annotation": "Lit while ClipGen is working on a request.",
					"annotation_name": "Busy"
				}
			}
		],
		"lines": [
			{
				"patchline": {
					"destination": [
						"obj-2",
						0
					],
					"source": [
						"obj-1",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-4",
						0
					],
					"source": [
						"obj-3",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-5",
						0
					],
					"source": [
						"obj-4",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-7",
						0
					],
					"source": [
						"obj-6",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-5",
						0
					],
					"source": [
						"obj-7",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-9",
						0
					],
					"source": [
						"obj-8",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-5",
						0
					],
					"source": [
						"obj-9",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-11",
						0
					],
					"source": [
						"obj-10",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-5",
						0
					],
					"source": [
						"obj-11",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-12",
						0
					],
					"source": [
						"obj-5",
						0
					]
				}
			},
			{
				"patchline": {
					"destination": [
						"obj-13",
						0
					],
					"source": [
						"obj-5",
						1
					]
				}
			}
		],
		"parameters": {
			"obj-6": [
				"Temperature",
				"Temp",
				0
			],
			"obj-8": [
				"Variations",
				"Variations",
				0
			],
			"obj-10": [
				"Drumify Button",
				"Drumify",
				0
			],
			"inherited_shortname": 1
		}
	}
}
