"""Raw near.export: a state-changing method that never looks at the deposit."""
import near


@near.export
def set_greeting():  # expect: NS107
    near.storage_write("greeting", near.input(0))


@near.export
def get_greeting():
    near.value_return(near.storage_read("greeting") or b"")
