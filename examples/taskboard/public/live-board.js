// The live board in the browser: a plain ES module, no build. It subscribes to the `tasks`
// publication and renders every change; the form, the checkboxes and the delete buttons
// call the server's methods. weftjs/client comes bundled from the app (src/client-bundle.ts).
import { realtimeClient } from '/client/weftjs-client.js'

const list = document.querySelector('#tasks')
const form = document.querySelector('#add')
const presence = document.querySelector('#presence')

const rt = realtimeClient(`${location.origin.replace(/^http/, 'ws')}/live`, {
  reconnect: { min: 250, max: 4000 },
})
rt.on('state', (state) => (list.dataset.state = state))
rt.on('error', (error) => console.error(error))

const tasks = rt.subscribe('tasks', {})
tasks.on('change', render)
tasks.ready.then(() => render(tasks.docs))

const board = rt.join('board')
board.on('presence', (state) => {
  const tabs = Object.values(state).reduce((count, metas) => count + metas.length, 0)
  presence.textContent = tabs === 1 ? 'This is the only open board.' : `${tabs} boards open.`
})

form.addEventListener('submit', (event) => {
  event.preventDefault()
  const input = form.elements.namedItem('title')
  const title = input.value.trim()
  if (!title) return
  input.value = ''
  rt.call('addTask', { title }).catch(report)
})

function render(docs) {
  list.replaceChildren(...docs.map(item))
}

function item(task) {
  const li = document.createElement('li')
  li.dataset.id = task._id
  li.className = task.done ? 'done' : ''
  const done = document.createElement('input')
  done.type = 'checkbox'
  done.checked = task.done
  done.setAttribute('aria-label', `Done: ${task.title}`)
  done.addEventListener('change', () =>
    rt.call('setDone', { id: task._id, done: done.checked }).catch(report),
  )
  const title = document.createElement('span')
  title.textContent = task.title
  const remove = document.createElement('button')
  remove.type = 'button'
  remove.textContent = 'Delete'
  remove.setAttribute('aria-label', `Delete: ${task.title}`)
  remove.addEventListener('click', () => rt.call('deleteTask', { id: task._id }).catch(report))
  li.append(done, ' ', title, ' ', remove)
  return li
}

function report(error) {
  console.error(error)
  alert(error.message)
}
